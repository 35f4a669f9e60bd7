import { setFlagsFromString } from 'node:v8'

/**
 * V8 settings that keep Hearth's JavaScript heaps near what they hold rather than what they churn
 * through: the index's workers (reading, chunking and tokenising files; encoding rows for PGlite)
 * allocate fast and keep little, and with V8's defaults each let its heap grow to several times
 * its live size between full collections. Those heaps were the largest part of a 10k-file index's
 * resident memory, more than Postgres itself (docs/BENCHMARKS.md "Footprint").
 *
 * - `--heap-growing-percent`: after a full collection the old generation may grow by this much
 *   before the next, instead of V8's own factor (up to 4× when the program allocates fast).
 * - `--max-semi-space-size` (MB): the young generation of isolates created from now on, i.e. the
 *   worker threads; the thread that calls this keeps the one it started with.
 *
 * Call once, first thing in a process entry (the CLI, the desktop app's main), before any worker
 * starts. The flags are process-wide and only tune the collector: they never make an allocation
 * fail, and a heap that really needs more still grows.
 */
export const LEAN_HEAP_FLAGS = ['--heap-growing-percent=50', '--max-semi-space-size=8'] as const

export function leanHeaps(): void {
  for (const f of LEAN_HEAP_FLAGS) setFlagsFromString(f)
}
