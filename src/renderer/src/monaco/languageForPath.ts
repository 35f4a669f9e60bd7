/** The slice of `monaco.languages.ILanguageExtensionPoint` used to pick a language. */
export interface LanguageInfo {
  id: string
  extensions?: string[]
  filenames?: string[]
  aliases?: string[]
}

/**
 * Picks the Monaco language for a path: exact file names first (Dockerfile, Makefile), then the
 * longest matching extension (`.d.ts` before `.ts`), else plaintext.
 */
export function languageForPath(path: string, languages: readonly LanguageInfo[]): string {
  const name = (path.slice(path.lastIndexOf('/') + 1) || path).toLowerCase()
  for (const l of languages) {
    if (l.filenames?.some((f) => f.toLowerCase() === name)) return l.id
  }
  let best: { id: string; len: number } | undefined
  for (const l of languages) {
    for (const ext of l.extensions ?? []) {
      const e = ext.toLowerCase()
      if (name.endsWith(e) && (!best || e.length > best.len)) best = { id: l.id, len: e.length }
    }
  }
  return best?.id ?? 'plaintext'
}

/** The human name shown in the status bar ("TypeScript", not "typescript"). */
export function languageLabel(id: string, languages: readonly LanguageInfo[]): string {
  return languages.find((l) => l.id === id)?.aliases?.[0] ?? id
}
