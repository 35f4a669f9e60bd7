import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compilePattern } from './literalMatcher'
import { LiteralPool, type PoolRun } from './literalPool'

/**
 * A regex that backtracks without end must not take the pool with it: its batch is stopped at the
 * deadline (the thread ended), the search fails saying which file, and the next search runs.
 */
describe('literal pool: slow regexes and cancel', () => {
  let root: string
  const paths: string[] = []
  // `(a|aa)+b` on a line of 60 a's tries ~fib(60) ways from each start: never finishes.
  const slow = compilePattern({ query: '(a|aa)+b', regex: true })
  const run = (pool: LiteralPool, over: Partial<PoolRun>) =>
    pool.run({
      root,
      realRoot: realpathSync(root),
      paths,
      pattern: compilePattern({ query: 'needle' }),
      maxMatches: 100,
      onResult: () => undefined,
      ...over,
    })

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'hearth-pool-'))
    for (let i = 0; i < 6; i++) {
      const name = `f${i}.txt`
      writeFileSync(join(root, name), `${'a'.repeat(60)}\nneedle ${i}\n`)
      paths.push(name)
    }
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('fails a catastrophic regex at the deadline, then serves the next search', async () => {
    const pool = new LiteralPool(2, 800)
    try {
      const t0 = Date.now()
      await expect(run(pool, { pattern: slow })).rejects.toThrow(
        /the regular expression took too long on f\d\.txt: simplify it/,
      )
      // Bounded: the deadline plus starting the threads (slow under a loaded test run).
      expect(Date.now() - t0).toBeLessThan(15_000)
      // Both threads were stuck: the next search must get fresh ones, not wait for ever.
      const found: string[] = []
      const r = await run(pool, { onResult: (res) => found.push(...res.files.map((f) => f.path)) })
      expect(r.matches).toBe(6)
      expect(found.sort()).toEqual(paths)
    } finally {
      await pool.dispose()
    }
  }, 20_000)

  it('a cancel mid-batch returns promptly', async () => {
    const pool = new LiteralPool(2, 60_000)
    try {
      const ac = new AbortController()
      const t0 = Date.now()
      setTimeout(() => ac.abort(new Error('cancelled by the test')), 300)
      await expect(run(pool, { pattern: slow, signal: ac.signal })).rejects.toThrow('cancelled by the test')
      expect(Date.now() - t0).toBeLessThan(3_000)
      expect((await run(pool, {})).matches).toBe(6)
    } finally {
      await pool.dispose()
    }
  }, 20_000)

  it('without worker threads, the deadline is checked between files', async () => {
    // 30 a's: each file takes tens of ms on this thread, so 40 of them pass a 100 ms deadline;
    // a search of ordinary files after it fits well inside the same deadline.
    const names: string[] = []
    for (let i = 0; i < 40; i++) {
      writeFileSync(join(root, `s${i}.txt`), `${'a'.repeat(30)}\n`)
      names.push(`s${i}.txt`)
    }
    const pool = new LiteralPool(1, 100, true)
    try {
      await expect(run(pool, { pattern: slow, paths: names })).rejects.toThrow(/took too long on s\d+\.txt/)
      expect((await run(pool, {})).matches).toBe(6)
    } finally {
      await pool.dispose()
    }
  }, 30_000)
})
