import type { ContextQuery, ContextSource, Snippet } from '../inference/contextSource'
import { firstLines, lastLines } from '../text/textLines'
import { looksSecret } from '../files/indexExclusions'

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

  constructor(
    private readonly opts: {
      maxFiles?: number
      linesAround?: number
      now?: () => number
      /** The user's index.includeSecretFiles; default: secret-looking files are not remembered. */
      includeSecretFiles?: () => boolean
    } = {},
  ) {}

  /**
   * Called by the completion service on every request. Edits of a secret-looking file (`.env`, a
   * private key…) are not remembered: they would go into the prompts of other files.
   */
  record(path: string, prefix: string, suffix: string): void {
    if (looksSecret(path) && !(this.opts.includeSecretFiles?.() ?? false)) return
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
