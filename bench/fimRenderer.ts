/**
 * The renderer's stand-in for `bench:fim`, in its own process as the real renderer is: a
 * ContractClient over the real WebSocket of `hearth serve`. The bench process (core, server,
 * engine) drives it over Node's IPC channel; every time it reports is taken here, on the client's
 * side, so it never shares an event loop with the engine it measures. Cross-process instants are
 * epoch milliseconds with microseconds (`performance.timeOrigin + performance.now()`).
 */
import type { CompletionRequest } from '../src/shared/contract/completion'
import { connectContract } from '../tests/helpers/wsClient'
import { epochNow, type RendererReply, type RendererRequest } from './fimRendererProcess'

const url = process.argv[2]
if (!url || !process.send) throw new Error('usage: forked by bench/fim.ts with the server URL')
const reply = (msg: RendererReply): void => void process.send?.(msg)

const { client, close } = await connectContract(url)
const running = new Map<number, AbortController>()

async function call(
  args: CompletionRequest,
): Promise<{ ms: number; source: string; text: string; at: number }> {
  const at = epochNow()
  const t0 = performance.now()
  const r = await client.call('completion.request', args)
  return { ms: performance.now() - t0, source: r.source, text: r.text, at }
}

async function handle(m: RendererRequest): Promise<RendererReply> {
  switch (m.op) {
    case 'call':
      return { id: m.id, ...(await call(m.args)) }
    case 'series': {
      // Back-to-back calls without a trip to the bench process in between (the cache-hit series).
      const ms: number[] = []
      const sources: string[] = []
      for (const args of m.calls) {
        const r = await call(args)
        ms.push(r.ms)
        sources.push(r.source)
      }
      return { id: m.id, ms, sources }
    }
    case 'begin': {
      // A streaming request left running until `abort` (or until it ends by itself).
      const ac = new AbortController()
      running.set(m.key, ac)
      void client
        .call('completion.request', m.args, { signal: ac.signal })
        .catch(() => undefined)
        .finally(() => running.delete(m.key))
      return { id: m.id }
    }
    case 'abort': {
      const at = epochNow()
      running.get(m.key)?.abort()
      return { id: m.id, at }
    }
    case 'fire': {
      // The next keystroke's request, not awaited: what cancels the running one is its arrival.
      const at = epochNow()
      void client.call('completion.request', m.args).catch(() => undefined)
      return { id: m.id, at }
    }
    case 'close':
      close()
      return { id: m.id }
  }
}

process.on('message', (m: RendererRequest) => {
  void handle(m)
    .catch((err: unknown): RendererReply => ({
      id: m.id,
      error: err instanceof Error ? err.message : String(err),
    }))
    .then((r) => {
      reply(r)
      if (m.op === 'close') process.disconnect()
    })
})
reply({ id: 0 })
