import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiteralPool } from './literalPool'
import { LiteralReplace, type ReplaceFiles } from './literalReplace'
import { LiteralSearch } from './literalSearch'

/** Undo keeps old text within a byte budget: the oldest replaces are let go, and undo says so. */
describe('literal replace: undo within a byte budget', () => {
  let root: string
  let search: LiteralSearch
  const names = ['a.txt', 'b.txt', 'c.txt']

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'hearth-replace-undo-'))
    search = new LiteralSearch(
      {
        root: () => root,
        rules: () => null,
        includeSecretFiles: () => false,
        indexedPaths: () => Promise.resolve([...names]),
      },
      new LiteralPool(1, 5_000, true),
    )
  })
  afterAll(async () => {
    await search.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  // The workspace's reads and writes, in small: the version is the text itself.
  const files: ReplaceFiles = {
    read: (path) => {
      const text = readFileSync(join(root, path), 'utf8')
      return Promise.resolve({ path, text, encoding: 'utf8', eol: '\n', version: text, readOnly: false })
    },
    write: (req) => {
      writeFileSync(join(root, req.path), req.text)
      return Promise.resolve({ path: req.path, version: req.text })
    },
  }

  const replaceIn = async (r: LiteralReplace, path: string) => {
    const args = { query: 'old', caseSensitive: true, replacement: 'new', include: path }
    const p = await r.preview(args)
    return r.apply({ ...args, previewId: p.previewId, files: p.files })
  }

  it('lets the oldest replace go past the budget; its undo says why', async () => {
    // Each file's old text is 3,000 UTF-16 units (6,000 bytes): two fit in 13,000 bytes, not three.
    for (const n of names) writeFileSync(join(root, n), `old ${'x'.repeat(2996)}`)
    const r = new LiteralReplace(search, files, () => undefined, { undoBytes: 13_000 })
    const first = await replaceIn(r, 'a.txt')
    const second = await replaceIn(r, 'b.txt')
    const third = await replaceIn(r, 'c.txt')
    expect([first.undoId, second.undoId, third.undoId].every((id) => typeof id === 'string')).toBe(true)
    await expect(r.undo(first.undoId as string)).rejects.toThrow(
      /can no longer be undone: later replaces needed the memory/,
    )
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toMatch(/^new /)
    expect((await r.undo(third.undoId as string)).restored).toEqual(['c.txt'])
    expect((await r.undo(second.undoId as string)).restored).toEqual(['b.txt'])
    expect(readFileSync(join(root, 'b.txt'), 'utf8')).toMatch(/^old /)
  })

  it('a replace larger than the whole budget is done, and says it cannot be undone', async () => {
    writeFileSync(join(root, 'a.txt'), `old ${'x'.repeat(2996)}`)
    const r = new LiteralReplace(search, files, () => undefined, { undoBytes: 1_000 })
    const res = await replaceIn(r, 'a.txt')
    expect(res.changed.map((c) => c.path)).toEqual(['a.txt'])
    expect(res.undoId).toBeUndefined()
    expect(res.undoNote).toMatch(/cannot be undone/)
  })
})
