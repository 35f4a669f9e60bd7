import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HearthMetrics } from '../metrics/hearthMetrics'
import { FULL_SPEED, type Budgets } from '../resources/budgets'
import { ResourceMonitor } from '../resources/monitor'
import { connectPrefetcher, Prefetcher, type NextCompletionContext, type PrefetchTarget } from './prefetcher'
import { ResourceController } from '../resources/resourceController'
import { SimulatedPowerSource } from '../resources/simulatedPowerSource'

/**
 * A local server speaking Ollama's /api/generate (NDJSON stream, one token every 40 ms) that
 * records, per request, whether the client hung up before the final `done` line — so the test
 * sees cancellation arrive on the wire, not just a flag flip.
 */
interface Seen {
  prompt: string
  numPredict: number | undefined
  closedEarly: boolean
  finished: boolean
}

async function ollamaLike(tokens = 10): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const r = JSON.parse(body) as { prompt: string; options?: { num_predict?: number } }
      const entry: Seen = {
        prompt: r.prompt,
        numPredict: r.options?.num_predict,
        closedEarly: false,
        finished: false,
      }
      seen.push(entry)
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      const n = entry.numPredict === 0 ? 0 : tokens
      let i = 0
      const tick = setInterval(() => {
        if (i < n) {
          res.write(`${JSON.stringify({ model: 'm', response: `t${i}`, done: false })}\n`)
          i++
          return
        }
        clearInterval(tick)
        entry.finished = true
        res.end(`${JSON.stringify({ model: 'm', response: '', done: true, done_reason: 'stop' })}\n`)
      }, 40)
      res.on('close', () => {
        clearInterval(tick)
        if (!entry.finished) entry.closedEarly = true
      })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server }
}

/** What the completion service will do: stream a generate request, honouring the signal. */
function ollamaTarget(url: string, log: string[]): PrefetchTarget {
  const generate = async (prompt: string, numPredict: number, signal: AbortSignal): Promise<void> => {
    const res = await fetch(`${url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', prompt, stream: true, options: { num_predict: numPredict } }),
      signal,
    })
    const reader = res.body?.getReader()
    if (!reader) throw new Error('no body')
    for (;;) {
      const { done } = await reader.read()
      if (done) return
    }
  }
  return {
    warm: (path, signal) => {
      log.push(`warm ${path}`)
      return generate(`// ${path}`, 0, signal)
    },
    nextCompletion: (ctx: NextCompletionContext, signal) => {
      log.push(`next ${ctx.path}@${ctx.offset}`)
      return generate(ctx.text.slice(0, ctx.offset), 32, signal)
    },
    prioritizeEmbedding: (path) => log.push(`embed-first ${path}`),
  }
}

const until = async (cond: () => boolean, ms = 3_000): Promise<void> => {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const withBackground = (patch: Partial<Budgets['background']>): Budgets => ({
  ...FULL_SPEED,
  background: { ...FULL_SPEED.background, ...patch },
})

const ctx: NextCompletionContext = { path: 'src/a.ts', text: 'const a = 1\nconst b = ', offset: 22 }

describe('Prefetcher (against an Ollama-protocol server)', () => {
  let srv: Awaited<ReturnType<typeof ollamaLike>>
  let log: string[]
  let metrics: HearthMetrics
  let p: Prefetcher
  beforeEach(async () => {
    srv = await ollamaLike()
    log = []
    metrics = new HearthMetrics()
    p = new Prefetcher({
      completion: ollamaTarget(srv.url, log),
      index: ollamaTarget(srv.url, log),
      counter: metrics.prefetch,
    })
  })
  afterEach(async () => {
    p.dispose()
    srv.server.closeAllConnections()
    await new Promise((r) => srv.server.close(r))
  })

  const outcomes = () =>
    Object.fromEntries(
      [...metrics.prefetch.series.values()].map((s) => [
        `${s.labels.strategy}:${s.labels.outcome}`,
        s.value.value,
      ]),
    )

  it('speculates the next completion after an accept and a keystroke cancels it on the wire', async () => {
    p.onCompletionAccepted(ctx)
    await until(() => srv.seen.length === 1)
    expect(srv.seen[0]?.prompt).toBe('const a = 1\nconst b = ')
    expect(p.busy).toBe(true)
    p.noteKeystroke()
    await until(() => srv.seen[0]?.closedEarly === true)
    await until(() => !p.busy)
    expect(srv.seen[0]?.finished).toBe(false)
    expect(outcomes()).toEqual({ 'next-completion:cancelled': 1 })
    expect(p.pending()).toEqual([]) // stale speculation is not retried
  })

  it('runs to completion when nobody types', async () => {
    p.onCompletionAccepted(ctx)
    await until(() => outcomes()['next-completion:done'] === 1)
    expect(srv.seen[0]?.finished).toBe(true)
  })

  it('obeys budgets.prefetch: nothing is sent while it is off, queued work runs when it comes back', async () => {
    p.setBudgets(withBackground({ prefetch: false }))
    p.onCompletionAccepted(ctx)
    await sleep(150)
    expect(srv.seen).toHaveLength(0)
    p.setBudgets(FULL_SPEED)
    await until(() => outcomes()['next-completion:done'] === 1)
  })

  it('turning prefetch off aborts the speculation in flight', async () => {
    p.onCompletionAccepted(ctx)
    await until(() => srv.seen.length === 1)
    p.setBudgets(withBackground({ prefetch: false, paused: true }))
    await until(() => srv.seen[0]?.closedEarly === true)
  })

  it('warms an opened file only while background work is not paused, embedding it first', async () => {
    p.setBudgets(withBackground({ paused: true, reason: 'paused while you type' }))
    p.onFileOpened('src/b.ts')
    await sleep(150)
    expect(log).toEqual([])
    p.setBudgets(FULL_SPEED)
    await until(() => outcomes()['warm-file:done'] === 1)
    expect(log).toEqual(['embed-first src/b.ts', 'warm src/b.ts'])
    expect(srv.seen[0]).toMatchObject({ prompt: '// src/b.ts', numPredict: 0 }) // zero-token request
  })

  it('a keystroke cancels a warm-up too, which is retried once the user pauses', async () => {
    const slow = await ollamaLike()
    const slowLog: string[] = []
    // Make the warm-up itself take a while: a server that holds zero-token requests too.
    slow.server.removeAllListeners('request')
    slow.server.on('request', (req, res) => {
      req.resume()
      const entry: Seen = { prompt: '', numPredict: 0, closedEarly: false, finished: false }
      slow.seen.push(entry)
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      const t = setTimeout(() => {
        entry.finished = true
        res.end(`${JSON.stringify({ done: true })}\n`)
      }, 300)
      res.on('close', () => {
        clearTimeout(t)
        if (!entry.finished) entry.closedEarly = true
      })
    })
    const q = new Prefetcher({ completion: ollamaTarget(slow.url, slowLog), counter: metrics.prefetch })
    q.onFileOpened('src/c.ts')
    await until(() => slow.seen.length === 1)
    q.noteKeystroke()
    await until(() => slow.seen[0]?.closedEarly === true)
    await until(() => slow.seen.length === 2) // retried: budgets still allow it
    await until(() => outcomes()['warm-file:done'] === 1)
    expect(slow.seen[1]?.finished).toBe(true)
    expect(outcomes()).toMatchObject({ 'warm-file:cancelled': 1, 'warm-file:done': 1 })
    q.dispose()
    slow.server.closeAllConnections()
    await new Promise((r) => slow.server.close(r))
  })

  it('yields to a foreground request: in-flight speculation is aborted, queue waits for release', async () => {
    p.onCompletionAccepted(ctx)
    await until(() => srv.seen.length === 1)
    const release = p.foreground()
    await until(() => srv.seen[0]?.closedEarly === true)
    p.onFileOpened('src/d.ts')
    await sleep(150)
    expect(srv.seen).toHaveLength(1)
    release()
    await until(() => outcomes()['warm-file:done'] === 1)
  })

  it('runs the higher-priority strategy first', async () => {
    p.setBudgets(withBackground({ prefetch: false }))
    p.onFileOpened('src/e.ts')
    p.onCompletionAccepted(ctx)
    p.setBudgets(FULL_SPEED)
    await until(() => srv.seen.length === 2, 5_000)
    expect(log.filter((l) => !l.startsWith('embed-first'))).toEqual(['next src/a.ts@22', 'warm src/e.ts'])
  })

  it('skips speculation below the budget’s minimum confidence (on battery, rarely-accepting user)', async () => {
    for (let i = 0; i < 20; i++) p.noteCompletionOutcome(false) // acceptance rate → ~0.06
    p.setBudgets(withBackground({ prefetchMinConfidence: 0.6 }))
    p.onCompletionAccepted(ctx) // one accept: confidence ≈ 0.3 + 0.15 < 0.6
    p.onFileOpened('src/f.ts') // 0.8 ≥ 0.6: still warmed
    await until(() => outcomes()['warm-file:done'] === 1)
    expect(outcomes()['next-completion:skipped']).toBe(1)
    expect(srv.seen).toHaveLength(1)
  })
})

describe('Prefetcher wired to the controller', () => {
  it('keystrokes noted by the controller and a low battery both cancel speculation', async () => {
    const srv = await ollamaLike(50)
    const power = new SimulatedPowerSource()
    const controller = new ResourceController({ monitor: new ResourceMonitor({ probes: [], power }) })
    const p = new Prefetcher({ completion: ollamaTarget(srv.url, []) })
    const disconnect = connectPrefetcher(controller, p)
    controller.start()
    try {
      p.onCompletionAccepted(ctx)
      await until(() => srv.seen.length === 1)
      controller.noteActivity('keystroke')
      await until(() => srv.seen[0]?.closedEarly === true)

      await sleep(1_600) // typing over; speculate again
      p.onCompletionAccepted(ctx)
      await until(() => srv.seen.length === 2)
      power.unplug(10)
      await until(() => srv.seen[1]?.closedEarly === true)
      expect(controller.budgets().background.prefetch).toBe(false)
      p.onCompletionAccepted(ctx)
      await sleep(150)
      expect(srv.seen).toHaveLength(2)
    } finally {
      disconnect()
      p.dispose()
      controller.dispose()
      srv.server.closeAllConnections()
      await new Promise((r) => srv.server.close(r))
    }
  })
})
