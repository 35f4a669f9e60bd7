import type { Snippet } from '../inference/fimTypes'
import type { ContextQuery, ContextSource, GatherResult } from '../inference/contextSource'
import { looksSecret } from '../files/indexExclusions'

/**
 * Asks every source at once, each with its own deadline, and keeps what arrives in time — in
 * source order (stable, so the server's prompt cache sees the same leading text), without
 * duplicates (same path and text). Snippets of other files that look like they hold secrets
 * (`.env`, private keys, `.npmrc`…; looksSecret) are dropped unless `includeSecretFiles` (the
 * user's index.includeSecretFiles): a prompt may go to a remote server and its answer into the
 * completion cache. The file being edited is completed whatever its name.
 */
export async function gatherSnippets(
  sources: readonly ContextSource[],
  query: ContextQuery,
  timeoutMs: number,
  signal: AbortSignal,
  includeSecretFiles = false,
): Promise<GatherResult> {
  if (sources.length === 0) return { snippets: [], missed: [] }
  const missed: string[] = []
  const results = await Promise.all(
    sources.map(async (src) => {
      const ac = new AbortController()
      const onAbort = (): void => ac.abort()
      signal.addEventListener('abort', onAbort, { once: true })
      let timer: NodeJS.Timeout | undefined
      try {
        const timeout = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => {
            ac.abort()
            resolve(undefined)
          }, timeoutMs)
        })
        const r = await Promise.race([src.snippets(query, ac.signal).catch(() => undefined), timeout])
        if (r === undefined) missed.push(src.name)
        return r ?? []
      } finally {
        if (timer) clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
      }
    }),
  )
  const seen = new Set<string>()
  const snippets: Snippet[] = []
  for (const list of results) {
    for (const s of list) {
      if (s.path === query.path && s.kind !== 'definition') continue // the prefix already has this file
      if (!includeSecretFiles && looksSecret(s.path)) continue
      const key = `${s.path}\u0000${s.text}`
      if (seen.has(key)) continue
      seen.add(key)
      snippets.push(s)
    }
  }
  return { snippets, missed }
}
