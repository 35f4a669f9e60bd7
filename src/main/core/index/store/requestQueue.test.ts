import { describe, expect, it } from 'vitest'
import { RequestQueue } from './requestQueue'

interface Req {
  name: string
  bg?: boolean
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
    (r) => r.bg === true,
    graceMs,
  )
  const push = (r: Req): void => {
    left++
    q.push(r)
  }
  return { log, push, idle: () => idle }
}

describe('RequestQueue: one at a time, background steps give way', () => {
  it('runs requests one at a time in arrival order', async () => {
    const h = harness(20)
    for (const name of ['a', 'b', 'c']) h.push({ name, ms: 5 })
    await h.idle()
    expect(h.log.map((e) => e.name)).toEqual(['a', 'b', 'c'])
    for (let i = 1; i < h.log.length; i++) expect(h.log[i]!.start).toBeGreaterThanOrEqual(h.log[i - 1]!.end)
  })

  it('lets foreground requests queued behind a background step go first', async () => {
    const h = harness(0)
    h.push({ name: 'search1', ms: 20 })
    h.push({ name: 'step1', bg: true, ms: 5 })
    h.push({ name: 'step2', bg: true, ms: 5 })
    h.push({ name: 'search2', ms: 5 })
    await h.idle()
    expect(h.log.map((e) => e.name)).toEqual(['search1', 'search2', 'step1', 'step2'])
  })

  it('holds background steps for the grace after a foreground request, but never a foreground one', async () => {
    const h = harness(60)
    h.push({ name: 'fts', ms: 5 })
    h.push({ name: 'step', bg: true, ms: 5 })
    // The search's next query arrives 20 ms after its first ended: inside the grace.
    await new Promise((r) => setTimeout(r, 25))
    const sent = performance.now()
    h.push({ name: 'vector', ms: 5 })
    await h.idle()
    expect(h.log.map((e) => e.name)).toEqual(['fts', 'vector', 'step'])
    const [fts, vector, step] = h.log
    expect(vector!.start - sent).toBeLessThan(15)
    expect(step!.start - vector!.end).toBeGreaterThanOrEqual(55)
    expect(step!.start - fts!.end).toBeGreaterThanOrEqual(55)
  })
})
