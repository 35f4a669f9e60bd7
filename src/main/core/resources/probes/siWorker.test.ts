import si from 'systeminformation'
import { describe, expect, it } from 'vitest'
import { SiWorker } from './siWorker'

/** Longest gap between 2 ms ticks while `work` runs: how long the event loop was frozen. */
async function maxLoopLag(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now()
  let worst = 0
  const t = setInterval(() => {
    const now = performance.now()
    worst = Math.max(worst, now - last)
    last = now
  }, 2)
  try {
    await work()
    await new Promise((r) => setTimeout(r, 10))
  } finally {
    clearInterval(t)
  }
  return worst
}

describe('SiWorker (real systeminformation in a worker thread)', () => {
  it('gives the same answers as calling systeminformation directly', async () => {
    const w = new SiWorker()
    try {
      const [viaWorker, direct] = [await w.call('graphics'), await si.graphics()]
      expect(viaWorker.controllers.length).toBe(direct.controllers.length)
      const temp = await w.call('cpuTemperature')
      expect(temp).toHaveProperty('main')
    } finally {
      w.dispose()
    }
  })

  it('keeps the event loop free while the blocking calls run', async () => {
    const w = new SiWorker()
    try {
      await w.call('graphics') // start-up of the worker is not what we measure
      const direct: number[] = []
      const offThread: number[] = []
      for (let i = 0; i < 3; i++) {
        direct.push(await maxLoopLag(() => Promise.all([si.graphics(), si.cpuTemperature()])))
        offThread.push(await maxLoopLag(() => Promise.all([w.call('graphics'), w.call('cpuTemperature')])))
      }
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1] ?? NaN
      // Direct: execSync freezes the loop for each spawn. Off-thread: only scheduling noise
      // (medians of 3, so one hiccup of a loaded machine does not decide).
      expect(median(offThread)).toBeLessThan(median(direct))
    } finally {
      w.dispose()
    }
  })

  it('ends its thread when idle and rejects calls in flight on dispose', async () => {
    const w = new SiWorker(50)
    await w.call('cpuTemperature')
    await new Promise((r) => setTimeout(r, 150))
    expect((w as unknown as { worker: unknown }).worker).toBeNull()
    const p = w.call('graphics')
    w.dispose()
    await expect(p).rejects.toThrow(/disposed/)
  })

  it('rejects when the caller aborts', async () => {
    const w = new SiWorker()
    const ac = new AbortController()
    const p = w.call('graphics', ac.signal)
    ac.abort()
    await expect(p).rejects.toThrow(/aborted/)
    w.dispose()
  })
})
