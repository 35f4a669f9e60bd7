import type { ContextQuery, ContextSource, Snippet } from './contextSource'

interface Visit {
  path: string
  text: string
  at: number
}

/**
 * Recently edited code in other files, remembered from the completion requests themselves:
 * the lines around the cursor the last time each file was edited. No index needed, so it works
 * from the first minute; the index adds definitions on top.
 */
export class RecentEditsSource implements ContextSource {
  readonly name = 'recent-edits'
  private readonly visits = new Map<string, Visit>()

  constructor(private readonly opts: { maxFiles?: number; linesAround?: number; now?: () => number } = {}) {}

  /** Called by the completion service on every request. */
  record(path: string, prefix: string, suffix: string): void {
    const n = this.opts.linesAround ?? 12
    // Runs on every request, and the prefix may be 32k characters: find the lines' ends instead
    // of splitting the whole text.
    const text = (lastLines(prefix, n) + firstLines(suffix, Math.ceil(n / 2))).trim()
    if (!text) return
    this.visits.delete(path)
    this.visits.set(path, { path, text, at: (this.opts.now ?? Date.now)() })
    const max = (this.opts.maxFiles ?? 3) + 1
    while (this.visits.size > max) {
      const oldest = this.visits.keys().next().value
      if (oldest === undefined) break
      this.visits.delete(oldest)
    }
  }

  snippets(query: ContextQuery): Promise<Snippet[]> {
    const out: Snippet[] = []
    // Oldest first: the most recent edit sits nearest the cursor's code.
    for (const v of this.visits.values()) {
      if (v.path === query.path) continue
      out.push({ path: v.path, text: v.text, kind: 'recent' })
    }
    return Promise.resolve(out.slice(-(this.opts.maxFiles ?? 3)))
  }
}

/** The last `n` lines of `text` (the last one may be partial), as `text.split('\n').slice(-n).join('\n')`. */
export function lastLines(text: string, n: number): string {
  if (n <= 0) return ''
  let at = text.length
  for (let i = 0; i < n; i++) {
    if (at === 0) return text
    at = text.lastIndexOf('\n', at - 1)
    if (at < 0) return text
  }
  return text.slice(at + 1)
}

/** The first `n` lines of `text`, as `text.split('\n').slice(0, n).join('\n')`. */
export function firstLines(text: string, n: number): string {
  if (n <= 0) return ''
  let at = -1
  for (let i = 0; i < n; i++) {
    at = text.indexOf('\n', at + 1)
    if (at < 0) return text
  }
  return text.slice(0, at)
}
