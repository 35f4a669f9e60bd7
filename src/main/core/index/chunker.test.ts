import { describe, expect, it } from 'vitest'
import { chunkFile } from './chunker'

const ts = `import { a } from './a'

/** Adds. */
export function add(x: number, y: number): number {
  return x + y
}

export class Box {
  private v = 0
  get(): number {
    return this.v
  }
}
`

describe('chunkFile', () => {
  it('packs small declarations and keeps a doc comment with its function', () => {
    const cs = chunkFile('a.ts', ts, { targetLines: 5 })
    const add = cs.find((c) => c.symbols.includes('add'))
    expect(add?.text.startsWith('/** Adds. */')).toBe(true)
    expect(cs.find((c) => c.symbols.includes('Box'))?.startLine).toBe(8)
    // Every non-blank line is covered exactly once, in order.
    const covered = cs.flatMap((c) =>
      Array.from({ length: c.endLine - c.startLine + 1 }, (_, i) => c.startLine + i),
    )
    expect(new Set(covered).size).toBe(covered.length)
    expect(Math.max(...covered)).toBe(13)
  })

  it('splits a huge class at its methods and keeps the header with the first piece', () => {
    const methods = Array.from(
      { length: 30 },
      (_, i) => `  m${i}(): number {\n    const x = ${i}\n    return x\n  }\n`,
    ).join('')
    const src = `class Big {\n${methods}}\n`
    const cs = chunkFile('big.ts', src, { targetLines: 20, maxLines: 40 })
    expect(cs.length).toBeGreaterThan(3)
    expect(cs[0]?.text.startsWith('class Big {')).toBe(true)
    for (const c of cs) expect(c.endLine - c.startLine + 1).toBeLessThanOrEqual(40)
    expect(cs.some((c) => c.symbols.includes('m17'))).toBe(true)
  })

  it('uses indentation for Python, decorators stay with their function', () => {
    const py = `import os\n\n@cache\ndef load(path):\n    """Doc\n\ndef not_a_boundary():\n    """\n    return os.path\n\n\nclass Store:\n    def get(self):\n        return 1\n`
    const cs = chunkFile('m.py', py, { targetLines: 4 })
    const load = cs.find((c) => c.symbols.includes('load'))
    expect(load?.text.startsWith('@cache')).toBe(true)
    expect(load?.text).toContain('not_a_boundary')
    expect(cs.find((c) => c.symbols.includes('Store'))?.startLine).toBe(12)
  })

  it('cuts very long lines by characters without losing text', () => {
    const line = 'x'.repeat(10_000)
    const cs = chunkFile('gen.js', `${line}\nshort()\n`, { maxChars: 3000 })
    expect(
      cs
        .map((c) => c.text)
        .join('')
        .replace(/\n/g, ''),
    ).toBe(`${line}short()`)
    for (const c of cs) expect(c.text.length).toBeLessThanOrEqual(3000)
  })

  it('never splits a surrogate pair', () => {
    const line = '😀'.repeat(4000)
    const cs = chunkFile('e.txt', line, { maxChars: 1001 })
    for (const c of cs) expect(c.text).not.toMatch(/[\ud800-\udbff]$/)
    expect(cs.map((c) => c.text).join('')).toBe(line)
  })

  it('falls back to paragraphs for unknown languages and is empty for blank files', () => {
    expect(chunkFile('x.unknown', '\n\n')).toEqual([])
    expect(chunkFile('notes.md', 'a\nb\n\nc\n').length).toBe(1)
  })
})
