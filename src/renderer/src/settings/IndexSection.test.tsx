import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { IndexEntry } from '@shared/contract/indexes'
import { defaultSettings } from '@shared/settings/defaults'
import { lastUse } from './IndexList'
import { IndexSection } from './IndexSection'

const entry = (over: Partial<IndexEntry>): IndexEntry =>
  IndexEntry.parse({
    id: '0123456789abcdef',
    dir: '/data/indexes/0123456789abcdef',
    folder: '/home/u/proj',
    folderExists: true,
    bytes: 81 * 1024 * 1024,
    files: 120,
    lastUsedAt: Date.UTC(2026, 0, 10),
    lastUsedKnown: 'recorded',
    inUse: null,
    ...over,
  })

describe('the index section', () => {
  it('shows the exclude globs, the unused-index setting and the list it is given', () => {
    const index = {
      ...defaultSettings().index,
      exclude: ['*.gen.ts', 'fixtures/'],
      removeUnusedAfterDays: 30,
    }
    const html = renderToStaticMarkup(
      <IndexSection index={index} onPatch={() => undefined} indexList={<div data-testid="the-list" />} />,
    )
    expect(html).toContain('*.gen.ts\nfixtures/')
    expect(html).toContain('data-testid="index-remove-unused" checked=""')
    expect(html).toContain('value="30"')
    expect(html).toContain('data-testid="the-list"')
  })

  it('sizes and last use read as people say them', () => {
    const now = Date.UTC(2026, 0, 22)
    expect(lastUse(entry({}), now)).toBe('12 days ago')
    expect(lastUse(entry({ lastUsedAt: now - 1000 }), now)).toBe('today')
    expect(lastUse(entry({ lastUsedKnown: 'estimated', lastUsedAt: now - 86_400_000 }), now)).toBe(
      'yesterday?',
    )
    expect(lastUse(entry({ lastUsedAt: null }), now)).toBe('never')
  })
})
