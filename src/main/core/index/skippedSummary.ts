import type { IndexStatus } from '@shared/contract/search'
import type { SkippedFile } from '../files/walkWorkspace'

/** Skipped files listed in the status (the count covers all; `hearth index --json` lists every one). */
const SKIPPED_SHOWN = 20
/** Reasons counted in the status; the rest are folded into the last line. */
const REASONS_SHOWN = 20

export type SkippedSummary = NonNullable<IndexStatus['skipped']>

/**
 * What a scan left out, for the index status: the count, the count per reason (an ignore rule is
 * a reason of its own: "ignored by .gitignore (*.log)"), and a sample that takes from every reason
 * in turn, so a thousand ignored logs do not hide the one file left out because it is unreadable.
 */
export function skippedOf(all: readonly SkippedFile[]): SkippedSummary {
  const byReason = new Map<string, SkippedFile[]>()
  for (const s of all) {
    const list = byReason.get(s.reason)
    if (list) list.push(s)
    else byReason.set(s.reason, [s])
  }
  const groups = [...byReason.entries()].sort((a, b) => b[1].length - a[1].length)
  const sample: { path: string; reason: string }[] = []
  for (let i = 0; sample.length < SKIPPED_SHOWN && sample.length < all.length; i++)
    for (const [, list] of groups) {
      const s = list[i]
      if (s && sample.length < SKIPPED_SHOWN) sample.push({ path: s.path, reason: s.reason })
    }
  const reasons = groups.slice(0, REASONS_SHOWN).map(([reason, list]) => ({ reason, count: list.length }))
  const rest = groups.slice(REASONS_SHOWN).reduce((n, [, list]) => n + list.length, 0)
  if (rest > 0) reasons.push({ reason: 'other reasons', count: rest })
  return { count: all.length, sample, reasons }
}

/**
 * The list behind the status's summary. A full scan's list replaces it; a file the indexer takes
 * in leaves it at once (admit), because the scan that admits it writes it before it ends: opting
 * in to `.env` made it searchable while the status still said it was left out.
 */
export class SkippedList {
  private list: readonly SkippedFile[] = []
  private paths = new Set<string>()

  /** A scan's whole list; its summary. */
  replace(list: readonly SkippedFile[]): SkippedSummary {
    this.list = list
    this.paths = new Set(list.map((s) => s.path))
    return skippedOf(list)
  }

  /**
   * Files about to be indexed: the new summary when any of them, or a folder above one (an ignored
   * folder is listed once, not each file in it), was listed; otherwise null (no news).
   */
  admit(paths: readonly string[]): SkippedSummary | null {
    if (this.paths.size === 0) return null
    const taken = new Set<string>()
    for (const p of paths)
      for (let end = p.length; end > 0; end = p.lastIndexOf('/', end - 1)) {
        const at = p.slice(0, end)
        if (this.paths.has(at)) taken.add(at)
      }
    if (taken.size === 0) return null
    return this.replace(this.list.filter((s) => !taken.has(s.path)))
  }
}
