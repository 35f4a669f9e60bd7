import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { LEAN_HEAP_FLAGS } from './leanHeaps'

/**
 * A worker thread that does what the index's workers do to their heaps: keeps a few MB of recent
 * work alive and churns through far more (here a few hundred MB of short-lived strings). It
 * reports the largest heap V8 committed for it. The parent process applies `flags` through
 * v8.setFlagsFromString before starting the worker, exactly as leanHeaps() does.
 */
const CHILD = `
const v8 = require('node:v8')
const { Worker } = require('node:worker_threads')
for (const f of JSON.parse(process.argv[1])) v8.setFlagsFromString(f)
const w = new Worker(\`
  const v8 = require('node:v8')
  const { parentPort } = require('node:worker_threads')
  let peak = 0
  const kept = []
  for (let batch = 0; batch < 300; batch++) {
    const rows = []
    for (let i = 0; i < 2000; i++) rows.push({ text: 'chunk ' + batch + ' ' + i + ' '.repeat(400 + (i % 50)), n: i })
    kept.push(rows.map((r) => r.text.slice(0, 20)))
    if (kept.length > 20) kept.shift()
    peak = Math.max(peak, v8.getHeapStatistics().total_heap_size)
  }
  parentPort.postMessage(peak)
\`, { eval: true })
w.on('message', (peak) => { process.stdout.write(String(peak)); process.exit(0) })
`

function workerPeakMb(flags: readonly string[]): number {
  const r = spawnSync(process.execPath, ['-e', CHILD, JSON.stringify(flags)], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  expect(r.status, r.stderr).toBe(0)
  return Number(r.stdout) / 2 ** 20
}

describe('leanHeaps', () => {
  it('keeps a churning worker heap well below what V8 lets it grow to by default', () => {
    const lean = workerPeakMb(LEAN_HEAP_FLAGS)
    const plain = workerPeakMb([])
    expect(lean).toBeGreaterThan(0)
    expect(lean).toBeLessThan(plain * 0.8)
  }, 60_000)
})
