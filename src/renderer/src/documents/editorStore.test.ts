import { describe, expect, it } from 'vitest'
import type { ArgsOf, EventName, HearthApi, MethodName, PayloadOf, ResultOf } from '@shared/contract'
import { HearthError } from '@shared/errors'
import { EditorStore } from './editorStore'
import { minimalEdit } from './minimalEdit'
import type { BufferFactory, TextBuffer } from './textBuffer'

/** A workspace held in memory, answering the file methods the way the core does. */
class MemoryWorkspace implements HearthApi {
  files = new Map<
    string,
    { text: string; version: number; encoding: 'utf8' | 'utf8bom'; eol: '\n' | '\r\n' }
  >()
  writes: ArgsOf<'file.write'>[] = []
  async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
    await Promise.resolve()
    return this.handle(method, args) as ResultOf<M>
  }
  on<E extends EventName>(_e: E, _l: (p: PayloadOf<E>) => void): () => void {
    return () => undefined
  }
  disk(path: string, text: string): void {
    const f = this.files.get(path)
    this.files.set(path, {
      text,
      version: (f?.version ?? 0) + 1,
      encoding: f?.encoding ?? 'utf8',
      eol: f?.eol ?? '\n',
    })
  }
  private handle(method: MethodName, args: unknown): unknown {
    if (method === 'file.read') {
      const { path } = args as ArgsOf<'file.read'>
      if (path.includes('..')) throw new HearthError('forbidden', 'outside the workspace')
      if (path.endsWith('.png')) throw new HearthError('binary', 'binary file')
      const f = this.files.get(path)
      if (!f) throw new HearthError('not_found', `${path} not found`)
      return {
        path,
        text: f.text,
        encoding: f.encoding,
        eol: f.eol,
        version: `v${f.version}`,
        readOnly: false,
        size: f.text.length,
      }
    }
    if (method === 'file.write') {
      const a = args as ArgsOf<'file.write'>
      this.writes.push(a)
      const f = this.files.get(a.path)
      if (a.baseVersion !== undefined && f && `v${f.version}` !== a.baseVersion)
        throw new HearthError('conflict', 'changed on disk')
      this.files.set(a.path, {
        text: a.text,
        version: (f?.version ?? 0) + 1,
        encoding: a.encoding,
        eol: a.eol,
      })
      return { path: a.path, version: `v${(f?.version ?? 0) + 1}`, size: a.text.length }
    }
    throw new HearthError('unknown_method', method)
  }
}

class StringBuffer implements TextBuffer {
  private id = 1
  private readonly listeners = new Set<() => void>()
  disposed = false
  constructor(public text: string) {}
  getText = (): string => this.text
  applyText(text: string): void {
    if (minimalEdit(this.text, text)) this.type(text)
  }
  type(text: string): void {
    this.text = text
    this.id++
    for (const l of this.listeners) l()
  }
  versionId = (): number => this.id
  languageId = (): string => 'plaintext'
  onDidChange(l: () => void): () => void {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }
  dispose(): void {
    this.disposed = true
  }
  /** As the Monaco buffer moves: a new buffer with the same text, this one disposed. */
  moveTo = (): TextBuffer => {
    this.dispose()
    return new StringBuffer(this.text)
  }
}

const factory: BufferFactory = { create: (_p, text) => new StringBuffer(text) }
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

function setup(files: Record<string, string> = { 'a.ts': 'one\ntwo\n' }) {
  const ws = new MemoryWorkspace()
  for (const [p, t] of Object.entries(files)) ws.disk(p, t)
  const store = new EditorStore(ws, Promise.resolve(factory))
  return { ws, store, buf: (p: string) => store.buffer(p) as StringBuffer }
}

describe('EditorStore', () => {
  it('opens a file, tracks dirty, saves with the base version and encoding/eol kept', async () => {
    const { ws, store, buf } = setup()
    ws.files.set('crlf.txt', { text: 'x\ny\n', version: 7, encoding: 'utf8bom', eol: '\r\n' })
    store.open('crlf.txt')
    expect(store.view('crlf.txt')?.status).toBe('loading')
    await settle()
    expect(store.view('crlf.txt')).toMatchObject({
      status: 'ready',
      encoding: 'utf8bom',
      eol: '\r\n',
      dirty: false,
    })
    buf('crlf.txt').type('x\nY\n')
    expect(store.view('crlf.txt')?.dirty).toBe(true)
    expect(await store.save('crlf.txt')).toBe(true)
    expect(ws.writes[0]).toEqual({
      path: 'crlf.txt',
      text: 'x\nY\n',
      encoding: 'utf8bom',
      eol: '\r\n',
      baseVersion: 'v7',
    })
    expect(store.view('crlf.txt')?.dirty).toBe(false)
  })

  it('reloads a clean buffer silently when the disk changes', async () => {
    const { ws, store, buf } = setup()
    store.open('a.ts')
    await settle()
    ws.disk('a.ts', 'one\nTWO\n')
    await store.fileChanged({ path: 'a.ts', kind: 'changed', version: 'v2' })
    expect(buf('a.ts').text).toBe('one\nTWO\n')
    expect(store.view('a.ts')).toMatchObject({ dirty: false, banner: undefined })
    // The next save is based on the reloaded version: no conflict.
    buf('a.ts').type('one\nTWO\nthree\n')
    expect(await store.save('a.ts')).toBe(true)
  })

  it('saveAll saves every dirty buffer and names the ones it could not save', async () => {
    const { ws, store, buf } = setup()
    ws.files.set('b.ts', { text: 'b\n', version: 1, encoding: 'utf8', eol: '\n' })
    ws.files.set('c.ts', { text: 'c\n', version: 1, encoding: 'utf8', eol: '\n' })
    for (const p of ['a.ts', 'b.ts', 'c.ts']) store.open(p)
    await settle()
    buf('a.ts').type('a2\n')
    buf('b.ts').type('b2\n')
    // c.ts stays clean; a.ts changed on disk meanwhile, so its save is a conflict.
    ws.disk('a.ts', 'theirs\n')
    expect(await store.saveAll()).toEqual(['a.ts'])
    expect(ws.files.get('b.ts')?.text).toBe('b2\n')
    expect(ws.files.get('a.ts')?.text).toBe('theirs\n')
    expect(ws.writes.map((w) => w.path)).not.toContain('c.ts')
    expect(store.view('a.ts')).toMatchObject({ dirty: true, banner: { kind: 'conflict' } })
    expect(store.view('b.ts')?.dirty).toBe(false)
  })

  it('asks about a dirty buffer, and Reload / Overwrite / Compare do what they say', async () => {
    const { ws, store, buf } = setup()
    store.open('a.ts')
    await settle()
    buf('a.ts').type('mine\n')
    ws.disk('a.ts', 'theirs\n')
    await store.fileChanged({ path: 'a.ts', kind: 'changed', version: 'v2' })
    expect(store.view('a.ts')?.banner).toEqual({ kind: 'changedOnDisk' })
    expect(buf('a.ts').text).toBe('mine\n') // nothing the user wrote is lost

    await store.compare('a.ts')
    expect(store.view('a.ts')?.compare).toEqual({ diskText: 'theirs\n' })

    // Saving normally is refused (the disk is newer) and reported as a conflict.
    expect(await store.save('a.ts')).toBe(false)
    expect(store.view('a.ts')?.banner).toEqual({ kind: 'conflict' })
    expect(ws.files.get('a.ts')?.text).toBe('theirs\n')

    expect(await store.overwrite('a.ts')).toBe(true)
    expect(ws.files.get('a.ts')?.text).toBe('mine\n')
    expect(store.view('a.ts')).toMatchObject({ dirty: false, banner: undefined, compare: undefined })

    buf('a.ts').type('mine again\n')
    ws.disk('a.ts', 'theirs again\n')
    await store.fileChanged({ path: 'a.ts', kind: 'changed' })
    await store.reload('a.ts')
    expect(buf('a.ts').text).toBe('theirs again\n')
    expect(store.view('a.ts')).toMatchObject({ dirty: false, banner: undefined })
  })

  it('ignores the echo of its own save', async () => {
    const { ws, store, buf } = setup()
    store.open('a.ts')
    await settle()
    buf('a.ts').type('saved\n')
    await store.save('a.ts')
    buf('a.ts').type('saved\nmore\n')
    await store.fileChanged({ path: 'a.ts', kind: 'changed', version: 'v2' })
    expect(store.view('a.ts')?.banner).toBeUndefined()
    expect(ws.files.get('a.ts')?.text).toBe('saved\n')
  })

  it('shows refusals (binary, forbidden, missing) as a state, not a crash', async () => {
    const { store } = setup()
    store.open('img.png')
    store.open('../outside.txt')
    store.open('nope.ts')
    await settle()
    expect(store.view('img.png')).toMatchObject({ status: 'refused', error: { code: 'binary' } })
    expect(store.view('../outside.txt')).toMatchObject({ status: 'refused', error: { code: 'forbidden' } })
    expect(store.view('nope.ts')).toMatchObject({ status: 'refused', error: { code: 'not_found' } })
    expect(await store.save('img.png')).toBe(false)
  })

  it('flags a deleted file and keeps the text', async () => {
    const { ws, store, buf } = setup()
    store.open('a.ts')
    await settle()
    ws.files.delete('a.ts')
    await store.fileChanged({ path: 'a.ts', kind: 'deleted' })
    expect(store.view('a.ts')?.banner).toEqual({ kind: 'deletedOnDisk' })
    expect(buf('a.ts').text).toBe('one\ntwo\n')
  })

  it('manages tabs: order, activation, cycling, closing', async () => {
    const { store } = setup({ 'a.ts': 'a', 'b.ts': 'b', 'c.ts': 'c' })
    store.open('a.ts')
    store.open('c.ts')
    store.activate('a.ts')
    store.open('b.ts') // opens right of the active tab
    await settle()
    expect(store.snapshot.get().docs.map((d) => d.path)).toEqual(['a.ts', 'b.ts', 'c.ts'])
    store.cycle(1)
    expect(store.activePath).toBe('c.ts')
    store.cycle(1)
    expect(store.activePath).toBe('a.ts')
    store.cycle(-1)
    expect(store.activePath).toBe('c.ts')
    const c = store.buffer('c.ts') as StringBuffer
    store.close('c.ts')
    expect(c.disposed).toBe(true)
    expect(store.activePath).toBe('b.ts')
    store.open('a.ts', { line: 3, column: 2 })
    expect(store.view('a.ts')?.reveal).toMatchObject({ line: 3, column: 2 })
  })

  it('compares every open file with the disk after a reconnect', async () => {
    const { ws, store, buf } = setup()
    store.open('a.ts')
    await settle()
    ws.disk('a.ts', 'changed while offline\n')
    await store.resync()
    expect(buf('a.ts').text).toBe('changed while offline\n')
  })
})

describe('EditorStore: renames, moves and deletes made through Hearth', () => {
  it('a renamed file keeps its tab place, text, unsaved edits and version; saving writes the new path', async () => {
    const { ws, store, buf } = setup({ 'a.ts': 'one\n', 'z.ts': 'z\n' })
    store.open('a.ts')
    store.open('z.ts')
    store.activate('a.ts')
    await settle()
    buf('a.ts').type('one\nedited\n')
    // What the core does on file.rename: the bytes move with their version.
    ws.files.set('src/b.ts', ws.files.get('a.ts') as never)
    ws.files.delete('a.ts')
    store.moved('a.ts', 'src/b.ts')
    const snap = store.snapshot.get()
    expect(snap.docs.map((d) => d.path)).toEqual(['src/b.ts', 'z.ts'])
    expect(snap.active).toBe('src/b.ts')
    expect(store.view('src/b.ts')).toMatchObject({ name: 'b.ts', dirty: true, status: 'ready' })
    expect(buf('src/b.ts').text).toBe('one\nedited\n')
    expect(await store.save('src/b.ts')).toBe(true)
    expect(ws.writes.at(-1)).toMatchObject({ path: 'src/b.ts', text: 'one\nedited\n', baseVersion: 'v1' })
    expect(store.view('src/b.ts')?.dirty).toBe(false)
  })

  it('a moved folder takes every open file below it along, and nothing else', async () => {
    const { store } = setup({ 'src/a.ts': 'a\n', 'src/lib/b.ts': 'b\n', 'srcx.ts': 'x\n' })
    for (const p of ['src/a.ts', 'src/lib/b.ts', 'srcx.ts']) store.open(p)
    await settle()
    store.moved('src', 'app/src')
    expect(store.snapshot.get().docs.map((d) => d.path)).toEqual([
      'app/src/a.ts',
      'app/src/lib/b.ts',
      'srcx.ts',
    ])
  })

  it("a rename onto a tab with unsaved edits (its file deleted) never drops either tab's edits", async () => {
    const { ws, store, buf } = setup({ 'a.ts': 'a\n', 'b.ts': 'b\n' })
    store.open('a.ts')
    store.open('b.ts')
    await settle()
    buf('a.ts').type('a edited\n')
    buf('b.ts').type('b edited\n')
    // b.ts was deleted on disk (its tab kept with its edits), then a.ts renamed onto the name.
    ws.files.delete('b.ts')
    store.deleted('b.ts')
    ws.files.set('b.ts', ws.files.get('a.ts') as never)
    ws.files.delete('a.ts')
    store.moved('a.ts', 'b.ts')
    expect(store.snapshot.get().docs.map((d) => d.path)).toEqual(['a.ts', 'b.ts'])
    expect(buf('a.ts').text).toBe('a edited\n')
    expect(buf('b.ts').text).toBe('b edited\n')
    // Both say what happened on disk; a save of either asks first.
    expect(store.view('a.ts')?.banner).toEqual({ kind: 'deletedOnDisk' })
    expect(store.view('b.ts')?.banner).toEqual({ kind: 'changedOnDisk' })

    // A clean tab on the name gives way to the moved one; a clean moved one to a dirty tab there.
    const two = setup({ 'c.ts': 'c\n', 'd.ts': 'd\n' })
    two.store.open('c.ts')
    two.store.open('d.ts')
    await settle()
    two.buf('c.ts').type('c edited\n')
    two.store.moved('c.ts', 'd.ts')
    expect(two.store.snapshot.get().docs.map((d) => d.path)).toEqual(['d.ts'])
    expect(two.buf('d.ts').text).toBe('c edited\n')
  })

  it('a deleted file closes when clean and stays, marked deleted, with unsaved edits', async () => {
    const { store, buf } = setup({ 'src/a.ts': 'a\n', 'src/b.ts': 'b\n', 'c.ts': 'c\n' })
    for (const p of ['src/a.ts', 'src/b.ts', 'c.ts']) store.open(p)
    await settle()
    buf('src/b.ts').type('unsaved\n')
    store.deleted('src')
    expect(store.snapshot.get().docs.map((d) => d.path)).toEqual(['src/b.ts', 'c.ts'])
    expect(store.view('src/b.ts')?.banner).toEqual({ kind: 'deletedOnDisk' })
  })
})
