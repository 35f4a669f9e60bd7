import { describe, expect, it } from 'vitest'
import { tabHints } from './tabLabels'

describe('tabHints', () => {
  it('shows the folder only for names that repeat', () => {
    const h = tabHints(['src/a/index.js', 'src/b/index.js', 'README.md'])
    expect(h.get('src/a/index.js')).toBe('src/a')
    expect(h.get('src/b/index.js')).toBe('src/b')
    expect(h.has('README.md')).toBe(false)
  })
  it('marks the root and shortens long folders to the segments that differ', () => {
    const long = 'packages/very-long-package-name/src/components/widgets'
    const h = tabHints([
      'index.ts',
      `${long}/index.ts`,
      'packages/other-long-package-name/src/components/x/index.ts',
    ])
    expect(h.get('index.ts')).toBe('.')
    expect(h.get(`${long}/index.ts`)).toBe('…/widgets')
    expect(h.get('packages/other-long-package-name/src/components/x/index.ts')).toBe('…/x')
  })
  it('uses as many segments as needed to tell long folders apart', () => {
    const a = 'packages/first-package-with-long-name/src/lib/util.ts'
    const b = 'packages/second-package-with-long-name/src/lib/util.ts'
    const h = tabHints([a, b])
    expect(h.get(a)).toBe('…/first-package-with-long-name/src/lib')
    expect(h.get(b)).toBe('…/second-package-with-long-name/src/lib')
  })
})
