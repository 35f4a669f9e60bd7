import { describe, expect, it } from 'vitest'
import { RequestQueue } from './requestQueue'

interface Req {
  name: string
  kind?: 'interactive' | 'background' | 'normal'
  ms: number
}

/** A queue whose requests take `ms` each and log when they start and end. */
function harness(graceMs: number) {
  const log: { name: string; start: number; end: number }[] = []
  let finished = (): void => undefined
  const idle = new Promise<void>((r) => (finished = r))
  let left = 0
  const q = new RequestQueue<Req>(
    async (r) => {
      const start = performance.now()
      await new Promise((res) => setTimeout(res, r.ms))
      log.push({ name: r.name, start, end: performance.now() })
      if (--left === 0) finished()
    },
    (r) => r.kind ?? 'normal',
    graceMs,
  )
  const push = (r: Req): void => {
    left++
    q.push(r)
  }
  return { log, push, idle: () => idle, names: () => log.map((e) => e.name) }
}

describe('RequestQueue: one at a time, a search goes before waiting background steps', () => {
  it('runs requests one at a time in arrival order', async () => {
    const h = harness(20)
    for (const name of ['a', 'b', 'c']) h.push({ name, ms: 5 })
    await h.idle()
    expect(h.names()).toEqual(['a', 'b', 'c'])
    for (let i = 1; i < h.log.length; i++) expect(h.log[i]!.start).toBeGreaterThanOrEqual(h.log[i - 1]!.end)
  })

  it('lets an interactive request overtake waiting background steps, and only those', async () => {
    const h = harness(0)
    h.push({ name: 'write1', ms: 20 })
    h.push({ name: 'step1', kind: 'background', ms: 5 })
    h.push({ name: 'write2', ms: 5 })
    h.push({ name: 'step2', kind: 'background', ms: 5 })
    h.push({ name: 'search', kind: 'interactive', ms: 5 })
    await h.idle()
    // The search jumps the queue; the writer does not: steps keep their place among writes.
    expect(h.names()).toEqual(['write1', 'search', 'step1', 'write2', 'step2'])
  })

  it('holds background steps for the grace after an interactive request, never the next query', async () => {
    const h = harness(60)
    h.push({ name: 'fts', kind: 'interactive', ms: 5 })
    h.push({ name: 'step', kind: 'background', ms: 5 })
    // The search's next query arrives 20 ms after its first ended: inside the grace.
    await new Promise((r) => setTimeout(r, 25))
    const sent = performance.now()
    h.push({ name: 'vector', kind: 'interactive', ms: 5 })
    await h.idle()
    expect(h.names()).toEqual(['fts', 'vector', 'step'])
    const [, vector, step] = h.log
    expect(vector!.start - sent).toBeLessThan(15)
    expect(step!.start - vector!.end).toBeGreaterThanOrEqual(55)
  })
})
