import { fuzzyScore } from './fuzzyScore'

/** One line of the command palette: a Hearth command or one of the editor's own actions. */
export interface PaletteEntry {
  id: string
  /** 'Category: Title'. */
  label: string
  /** The first key, as shown ('Ctrl+Shift+P'); '' when none. */
  keys: string
  run(): void
}

export interface RankedEntry {
  entry: PaletteEntry
  positions: number[]
  /** In the "recently used" group. */
  recent: boolean
}

/**
 * Orders the palette as VS Code does: recently used first (most recent on top), then the rest
 * alphabetically; a query keeps only fuzzy matches (spaces ignored, so "tog side" finds "View:
 * Toggle Sidebar"), recently used still first, the rest best match first.
 */
export function rankCommands(
  query: string,
  entries: readonly PaletteEntry[],
  recentIds: readonly string[],
): RankedEntry[] {
  const q = query.replace(/\s+/g, '')
  const recentRank = new Map(recentIds.map((id, i) => [id, i]))
  const scored: (RankedEntry & { score: number })[] = []
  for (const entry of entries) {
    const m = q === '' ? { score: 0, positions: [] } : fuzzyScore(q, entry.label)
    if (!m) continue
    scored.push({ entry, positions: m.positions, recent: recentRank.has(entry.id), score: m.score })
  }
  scored.sort((a, b) => {
    if (a.recent !== b.recent) return a.recent ? -1 : 1
    if (a.recent && b.recent) return (recentRank.get(a.entry.id) ?? 0) - (recentRank.get(b.entry.id) ?? 0)
    return b.score - a.score || a.entry.label.localeCompare(b.entry.label)
  })
  return scored.map(({ entry, positions, recent }) => ({ entry, positions, recent }))
}
