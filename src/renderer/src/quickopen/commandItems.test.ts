import { describe, expect, it } from 'vitest'
import { rankCommands, type PaletteEntry } from './commandItems'
import { filesWithRecentFirst } from './recentFiles'

const entry = (id: string, label: string): PaletteEntry => ({ id, label, keys: '', run: () => undefined })
const ENTRIES = [
  entry('view.toggleSidebar', 'View: Toggle Sidebar Visibility'),
  entry('file.save', 'File: Save'),
  entry('file.saveAll', 'File: Save All'),
  entry('git.commit', 'Git: Commit'),
]

describe('rankCommands', () => {
  it('lists recently used first (most recent on top), then the rest alphabetically', () => {
    const r = rankCommands('', ENTRIES, ['git.commit', 'file.saveAll'])
    expect(r.map((h) => [h.entry.id, h.recent])).toEqual([
      ['git.commit', true],
      ['file.saveAll', true],
      ['file.save', false],
      ['view.toggleSidebar', false],
    ])
  })
  it('matches fuzzily, spaces ignored, best first', () => {
    expect(rankCommands('tog side', ENTRIES, [])[0]?.entry.id).toBe('view.toggleSidebar')
    expect(rankCommands('save', ENTRIES, []).map((h) => h.entry.id)).toEqual(['file.save', 'file.saveAll'])
    expect(rankCommands('gco', ENTRIES, [])[0]?.entry.id).toBe('git.commit')
    expect(rankCommands('zzz', ENTRIES, [])).toEqual([])
  })
})

describe('filesWithRecentFirst', () => {
  it('puts recently opened files first and leaves out ones that are gone', () => {
    const r = filesWithRecentFirst(['a.ts', 'b.ts', 'c.ts'], ['c.ts', 'deleted.ts', 'a.ts'], false, 50)
    expect(r.map((h) => [h.path, h.recent])).toEqual([
      ['c.ts', true],
      ['a.ts', true],
      ['b.ts', false],
    ])
  })
  it('keeps a recent file missing from a truncated listing', () => {
    expect(filesWithRecentFirst(['a.ts'], ['z.ts'], true, 50).map((h) => h.path)).toEqual(['z.ts', 'a.ts'])
  })
})
