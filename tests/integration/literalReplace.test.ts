import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReplaceFilePreview, ReplaceResult } from '../../src/shared/contract/literalSearch'
import { HearthError } from '../../src/shared/errors'
import { Core } from '../../src/main/core/createCore'
import type { CallContext } from '../../src/main/core/rpc/handlers'

/** Replace across files through the contract, on real files: preview, partial apply, refusal, undo. */
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }

describe('replace across files', () => {
  let root: string
  let core: Core
  const read = (rel: string): string => readFileSync(join(root, rel), 'utf8')
  const call = <T>(method: string, args: unknown): Promise<T> =>
    core.dispatcher.dispatch(method, args, ctx) as Promise<T>
  const preview = (args: Record<string, unknown>) =>
    call<{ previewId: string; files: ReplaceFilePreview[]; truncated: boolean }>(
      'search.replacePreview',
      args,
    )

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hearth-replace-'))
    mkdirSync(join(root, 'src'))
    writeFileSync(join(root, 'src/a.ts'), 'const oldName = 1\nexport { oldName }\n// oldNameLonger stays\n')
    writeFileSync(join(root, 'src/win.ts'), '\uFEFFlet oldName = 2\r\nlog(oldName)\r\n')
    writeFileSync(join(root, 'src/c.ts'), 'oldName()\n')
    writeFileSync(join(root, 'notes.md'), 'version 1.2.3 and 4.5.6\n')
    // 30,000 matches of `q`: past the preview's cap of 20,000.
    mkdirSync(join(root, 'big'))
    writeFileSync(join(root, 'big/many.txt'), `${'q'.repeat(100)}\n`.repeat(300))
    core = await Core.create({
      dataDir: mkdtempSync(join(tmpdir(), 'hearth-replace-data-')),
      workspace: root,
    })
    await core.index.ready()
  })
  afterAll(async () => {
    await core.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  it('previews each match of each file and what it becomes', async () => {
    const p = await preview({
      query: 'oldName',
      wholeWord: true,
      caseSensitive: true,
      replacement: 'newName',
    })
    expect(p.files.map((f) => f.path)).toEqual(['src/a.ts', 'src/c.ts', 'src/win.ts'])
    expect(p.files[0]?.matches).toEqual([
      { index: 0, line: 1, text: 'const oldName = 1', range: [6, 13], replacement: 'newName' },
      { index: 1, line: 2, text: 'export { oldName }', range: [9, 16], replacement: 'newName' },
    ])
    // CRLF and BOM: the line without `\r`, columns as the editor shows them.
    expect(p.files[2]?.matches[1]).toEqual({
      index: 1,
      line: 2,
      text: 'log(oldName)',
      range: [4, 11],
      replacement: 'newName',
    })
    expect(read('src/a.ts')).toContain('oldName') // nothing written
  })

  it('regex replacement expands groups', async () => {
    const p = await preview({ query: '(\\d+)\\.(\\d+)\\.(\\d+)', regex: true, replacement: '$3.$2.$1' })
    expect(p.files[0]?.matches.map((m) => m.replacement)).toEqual(['3.2.1', '6.5.4'])
  })

  it('applies only the accepted matches, keeps CRLF and BOM, refuses a file changed since the preview, and undoes', async () => {
    const p = await preview({
      query: 'oldName',
      wholeWord: true,
      caseSensitive: true,
      replacement: 'newName',
    })
    const before = { a: read('src/a.ts'), win: read('src/win.ts'), c: read('src/c.ts') }
    // c.ts changes after the preview: it must be refused, not written.
    writeFileSync(join(root, 'src/c.ts'), 'oldName() // edited meanwhile\n')
    const files = p.files.map((f) => ({
      path: f.path,
      version: f.version,
      ...(f.path === 'src/a.ts' ? { accept: [1] } : {}),
    }))
    const r = await call<ReplaceResult>('search.replaceApply', {
      query: 'oldName',
      wholeWord: true,
      caseSensitive: true,
      replacement: 'newName',
      previewId: p.previewId,
      files,
    })
    expect(r.changed.map((c) => [c.path, c.replaced])).toEqual([
      ['src/a.ts', 1],
      ['src/win.ts', 2],
    ])
    expect(r.refused).toEqual([
      {
        path: 'src/c.ts',
        message: 'src/c.ts changed since the preview: not replaced (search again to see its matches now)',
      },
    ])
    expect(read('src/a.ts')).toBe('const oldName = 1\nexport { newName }\n// oldNameLonger stays\n')
    expect(read('src/win.ts')).toBe('\uFEFFlet newName = 2\r\nlog(newName)\r\n')
    expect(read('src/c.ts')).toBe('oldName() // edited meanwhile\n')
    // A search now sees the new text.
    const s = await call<{ files: { path: string }[] }>('search.literal', {
      query: 'newName',
      caseSensitive: true,
    })
    expect(s.files.map((f) => f.path)).toEqual(['src/a.ts', 'src/win.ts'])

    const undo = await call<{ restored: string[]; refused: unknown[] }>('search.replaceUndo', {
      undoId: r.undoId,
    })
    expect(undo).toEqual({ restored: ['src/a.ts', 'src/win.ts'], refused: [] })
    expect(read('src/a.ts')).toBe(before.a)
    expect(read('src/win.ts')).toBe(before.win)
    expect(before.c).toBe('oldName()\n')
    // One undo per replace.
    const again = await call('search.replaceUndo', { undoId: r.undoId }).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(HearthError)
    expect((again as HearthError).message).toMatch(/can no longer be undone/)
  })

  it('undo refuses a file changed after the replace and restores the rest', async () => {
    const p = await preview({ query: 'oldName', wholeWord: true, caseSensitive: true, replacement: 'x' })
    const r = await call<ReplaceResult>('search.replaceApply', {
      query: 'oldName',
      wholeWord: true,
      caseSensitive: true,
      replacement: 'x',
      previewId: p.previewId,
      files: p.files.map((f) => ({ path: f.path, version: f.version })),
    })
    expect(r.changed.length).toBe(3)
    writeFileSync(join(root, 'src/c.ts'), 'x() // edited after the replace\n')
    const undo = await call<{ restored: string[]; refused: { path: string; message: string }[] }>(
      'search.replaceUndo',
      { undoId: r.undoId },
    )
    expect(undo.restored).toEqual(['src/a.ts', 'src/win.ts'])
    expect(undo.refused).toEqual([
      { path: 'src/c.ts', message: 'src/c.ts changed after the replace: not restored' },
    ])
    expect(read('src/c.ts')).toBe('x() // edited after the replace\n')
    expect(read('src/a.ts')).toContain('export { oldName }')
  })

  it('refuses an apply whose search or replacement differ from its preview, writing nothing', async () => {
    const before = { a: read('src/a.ts'), c: read('src/c.ts'), win: read('src/win.ts') }
    // The preview the user saw: whole word `oldName`, its second match in a.ts left out.
    const p = await preview({ query: 'oldName', wholeWord: true, caseSensitive: true, replacement: 'seen' })
    const files = p.files.map((f) => ({
      path: f.path,
      version: f.version,
      ...(f.path === 'src/a.ts' ? { accept: [0] } : {}),
    }))
    // The query's toggles changed (whole word off), then the replacement, then the globs: each time
    // the match numbers mean other text, and the apply must be refused before any write.
    for (const changed of [
      { query: 'oldName', caseSensitive: true, replacement: 'seen' },
      { query: 'oldName', wholeWord: true, caseSensitive: true, replacement: 'other' },
      { query: 'oldName', wholeWord: true, caseSensitive: true, replacement: 'seen', include: 'src/a.ts' },
    ]) {
      const err = await call('search.replaceApply', { ...changed, previewId: p.previewId, files }).catch(
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(HearthError)
      expect((err as HearthError).message).toMatch(
        /changed since the preview: preview again, nothing was replaced/,
      )
    }
    // A preview id nobody made is refused too.
    const unknown = await call('search.replaceApply', {
      query: 'oldName',
      replacement: 'seen',
      previewId: 'no-such-preview',
      files,
    }).catch((e: unknown) => e)
    expect((unknown as HearthError).message).toMatch(/preview again, nothing was replaced/)
    expect({ a: read('src/a.ts'), c: read('src/c.ts'), win: read('src/win.ts') }).toEqual(before)
    // The same arguments as the preview still apply.
    const ok = await call<ReplaceResult>('search.replaceApply', {
      query: 'oldName',
      wholeWord: true,
      caseSensitive: true,
      replacement: 'seen',
      previewId: p.previewId,
      files,
    })
    // (c.ts lost its match in an earlier test.) a.ts: only the accepted first match.
    expect(ok.changed.map((c) => c.path)).toEqual(p.files.map((f) => f.path))
    expect(ok.changed.find((c) => c.path === 'src/a.ts')?.replaced).toBe(1)
    expect(read('src/a.ts')).toBe('const seen = 1\nexport { oldName }\n// oldNameLonger stays\n')
    await call('search.replaceUndo', { undoId: ok.undoId })
    expect({ a: read('src/a.ts'), c: read('src/c.ts'), win: read('src/win.ts') }).toEqual(before)
  })

  it('caps the preview, says truncated, and refuses Replace All past the cap', async () => {
    const before = read('big/many.txt')
    const p = await preview({ query: 'q', caseSensitive: true, replacement: 'Q' })
    expect(p.truncated).toBe(true)
    expect(p.files.reduce((n, f) => n + f.matches.length, 0)).toBe(20_000)
    const err = await call('search.replaceApply', {
      query: 'q',
      caseSensitive: true,
      replacement: 'Q',
      previewId: p.previewId,
      files: p.files.map((f) => ({ path: f.path, version: f.version })),
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HearthError)
    expect((err as HearthError).message).toMatch(/stopped at 20,000 matches.*narrow the search/)
    expect(read('big/many.txt')).toBe(before)
  })

  it('tells open editors through file.changed', async () => {
    const seen: unknown[] = []
    const off = core.events.subscribe((event, payload) => {
      if (event === 'file.changed') seen.push(payload)
    })
    const p = await preview({ query: '1.2.3', replacement: '1.2.4' })
    const r = await call<ReplaceResult>('search.replaceApply', {
      query: '1.2.3',
      replacement: '1.2.4',
      previewId: p.previewId,
      files: p.files.map((f) => ({ path: f.path, version: f.version })),
    })
    off()
    // (The watcher may still report the earlier tests' writes here; this replace's event is the one.)
    expect(seen).toContainEqual({ path: 'notes.md', kind: 'changed', version: r.changed[0]?.version })
  })
})
