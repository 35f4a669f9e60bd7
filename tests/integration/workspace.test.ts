import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ArgsOf, EventName, MethodName, ResultOf } from '../../src/shared/contract'
import { HearthError } from '../../src/shared/errors'
import { Core } from '../../src/main/core/createCore'

/**
 * The real workspace service and chokidar watcher, driven through the real dispatcher (so every
 * argument and result is validated against the contract), on a temp folder.
 */
let base: string
let ws: string
let core: Core
let events: { event: EventName; payload: unknown }[]

const call = <M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> =>
  core.dispatcher.dispatch(method, args, {
    signal: new AbortController().signal,
    transport: 'local',
  }) as Promise<ResultOf<M>>

async function failure(p: Promise<unknown>): Promise<HearthError> {
  try {
    await p
  } catch (err) {
    if (err instanceof HearthError) return err
    throw err
  }
  throw new Error('expected a failure')
}

const fileChanged = (path: string): { path: string; kind: string; version?: string }[] =>
  events
    .filter((e) => e.event === 'file.changed')
    .map((e) => e.payload as { path: string; kind: string; version?: string })
    .filter((p) => p.path === path)

async function until<T>(get: () => T | undefined, ms = 5000): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const v = get()
    if (v !== undefined) return v
    if (Date.now() - t0 > ms) throw new Error(`timed out; events: ${JSON.stringify(events)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Waits for the folder's watcher (behind the workspace's change source) to finish its first scan. */
async function watcherReady(): Promise<void> {
  const w = core.workspace.watcher
  if (!w || w.state.status !== 'starting') return
  await new Promise<void>((resolve) => {
    const off = w.onState((st) => {
      if (st.status === 'starting') return
      off()
      resolve()
    })
  })
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-wsint-')))
  ws = join(base, 'project')
  mkdirSync(join(ws, 'src'), { recursive: true })
  writeFileSync(join(base, 'outside.txt'), 'outside secret')
  writeFileSync(join(ws, 'src', 'main.ts'), 'export const a = 1\n')
  writeFileSync(join(ws, 'win.txt'), Buffer.concat([BOM, Buffer.from('line one\r\nline two\r\n')]))
  writeFileSync(join(ws, 'run.sh'), '#!/bin/sh\r\necho hi\r\n')
  chmodSync(join(ws, 'run.sh'), 0o751)
  writeFileSync(
    join(ws, 'image.png'),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  )
  writeFileSync(join(ws, 'medium.txt'), 'x'.repeat(2 * 1024 * 1024))
  writeFileSync(join(ws, 'huge.txt'), Buffer.alloc(6 * 1024 * 1024, 0x61))
  writeFileSync(join(ws, '.gitignore'), 'ignored-dir/\n')
  mkdirSync(join(ws, 'ignored-dir'))
  writeFileSync(join(ws, 'ignored-dir', 'x.ts'), 'x')
  symlinkSync(join(base, 'outside.txt'), join(ws, 'escape-link'))
  events = []
  core = await Core.create({ dataDir: join(base, 'state'), workspace: ws })
  core.events.subscribe((event, payload) => events.push({ event, payload }))
  await watcherReady()
})

afterAll(async () => {
  await core.dispose()
  rmSync(base, { recursive: true, force: true })
})

beforeEach(() => {
  events = []
})

describe('workspace service over the contract', () => {
  it('reports the open folder and remembers it', async () => {
    const info = await call('workspace.info', {})
    expect(info).toMatchObject({ root: ws, name: 'project', watcher: { status: 'ready' } })
    expect(await call('workspace.recent', {})).toEqual([ws])
  })

  it('lists lazily and walks files for quick open', async () => {
    const top = await call('workspace.list', { dir: '' })
    expect(top[0]).toMatchObject({ name: 'ignored-dir', kind: 'dir', ignored: true })
    expect(top.map((e) => e.name)).toContain('src')
    const { paths, truncated } = await call('workspace.files', {})
    expect(truncated).toBe(false)
    expect(paths).toContain('src/main.ts')
    expect(paths).not.toContain('ignored-dir/x.ts')
    expect(paths).not.toContain('escape-link')
  })

  it('reads CRLF + BOM as normalised text and saves the same bytes back (mode kept)', async () => {
    const f = await call('file.read', { path: 'win.txt' })
    expect(f).toMatchObject({
      text: 'line one\nline two\n',
      encoding: 'utf8bom',
      eol: '\r\n',
      readOnly: false,
    })
    await call('file.write', {
      path: 'win.txt',
      text: f.text + 'line three\n',
      encoding: f.encoding,
      eol: f.eol,
      baseVersion: f.version,
    })
    expect(
      readFileSync(join(ws, 'win.txt')).equals(
        Buffer.concat([BOM, Buffer.from('line one\r\nline two\r\nline three\r\n')]),
      ),
    ).toBe(true)

    const sh = await call('file.read', { path: 'run.sh' })
    expect(sh).toMatchObject({ encoding: 'utf8', eol: '\r\n' })
    const saved = await call('file.write', {
      path: 'run.sh',
      text: sh.text.replace('hi', 'bye'),
      encoding: sh.encoding,
      eol: sh.eol,
      baseVersion: sh.version,
    })
    expect(readFileSync(join(ws, 'run.sh'), 'latin1')).toBe('#!/bin/sh\r\necho bye\r\n')
    expect(statSync(join(ws, 'run.sh')).mode & 0o7777).toBe(0o751)
    expect(saved.size).toBe(statSync(join(ws, 'run.sh')).size)
    expect(readdirSync(ws).filter((n) => n.includes('hearth-tmp'))).toEqual([])
    // The version a save returns is the version a read returns.
    expect((await call('file.read', { path: 'run.sh' })).version).toBe(saved.version)
  })

  it('does not report its own save as an external change', async () => {
    const f = await call('file.read', { path: 'src/main.ts' })
    await call('file.write', {
      path: 'src/main.ts',
      text: 'export const a = 2\n',
      encoding: 'utf8',
      eol: '\n',
      baseVersion: f.version,
    })
    await sleep(800) // chokidar + its atomic delay + the 100 ms window, with margin
    expect(fileChanged('src/main.ts')).toEqual([])
  })

  it('reports an external edit with the new version, then delete and re-create', async () => {
    const f = await call('file.read', { path: 'src/main.ts' })
    writeFileSync(join(ws, 'src', 'main.ts'), 'export const a = 3 // edited elsewhere\n')
    const ev = await until(() => fileChanged('src/main.ts')[0])
    expect(ev.kind).toBe('changed')
    const now = await call('file.read', { path: 'src/main.ts' })
    expect(ev.version).toBe(now.version)
    expect(ev.version).not.toBe(f.version)

    events = []
    unlinkSync(join(ws, 'src', 'main.ts'))
    expect(await until(() => fileChanged('src/main.ts')[0])).toEqual({ path: 'src/main.ts', kind: 'deleted' })
    events = []
    writeFileSync(join(ws, 'src', 'main.ts'), 'back\n')
    expect(await until(() => fileChanged('src/main.ts')[0])).toMatchObject({ kind: 'created' })
  })

  it('reports an outside edit even when another reader reads the new text before the watcher does', async () => {
    // The TS project or chat's sources may read a file between the write and the watcher's batch:
    // the open editor must still hear of it.
    const f = await call('file.read', { path: 'src/main.ts' })
    writeFileSync(join(ws, 'src', 'main.ts'), 'export const a = 4 // read early\n')
    const early = await call('file.read', { path: 'src/main.ts' })
    expect(early.version).not.toBe(f.version)
    const ev = await until(() => fileChanged('src/main.ts')[0])
    expect(ev).toEqual({ path: 'src/main.ts', kind: 'changed', version: early.version })
  })

  it('tells the explorer which folders changed', async () => {
    writeFileSync(join(ws, 'src', 'brand-new.ts'), 'n')
    const ev = await until(() => events.find((e) => e.event === 'workspace.treeChanged'))
    expect(ev.payload).toEqual({ dirs: ['src'] })
  })

  it('refuses a save based on a stale version, allows an explicit overwrite, ignores a touch', async () => {
    const f = await call('file.read', { path: 'src/main.ts' })
    writeFileSync(join(ws, 'src', 'main.ts'), 'changed behind the editor\n')
    const err = await failure(
      call('file.write', {
        path: 'src/main.ts',
        text: 'mine\n',
        encoding: 'utf8',
        eol: '\n',
        baseVersion: f.version,
      }),
    )
    expect(err.code).toBe('conflict')
    expect(readFileSync(join(ws, 'src', 'main.ts'), 'utf8')).toBe('changed behind the editor\n')
    await call('file.write', { path: 'src/main.ts', text: 'mine\n', encoding: 'utf8', eol: '\n' })
    expect(readFileSync(join(ws, 'src', 'main.ts'), 'utf8')).toBe('mine\n')

    const g = await call('file.read', { path: 'src/main.ts' })
    utimesSync(join(ws, 'src', 'main.ts'), new Date(), new Date(Date.now() + 5000))
    await call('file.write', {
      path: 'src/main.ts',
      text: 'after touch\n',
      encoding: 'utf8',
      eol: '\n',
      baseVersion: g.version,
    })
    expect(readFileSync(join(ws, 'src', 'main.ts'), 'utf8')).toBe('after touch\n')
  })

  it('creates new files, in existing and new folders', async () => {
    await call('file.write', { path: 'src/new.ts', text: 'a\n', encoding: 'utf8', eol: '\n' })
    await call('file.write', { path: 'docs/guide/intro.md', text: '# hi\n', encoding: 'utf8', eol: '\r\n' })
    expect(readFileSync(join(ws, 'src', 'new.ts'), 'utf8')).toBe('a\n')
    expect(readFileSync(join(ws, 'docs', 'guide', 'intro.md'), 'utf8')).toBe('# hi\r\n')
  })

  it('refuses binary and huge files, opens large ones read-only with a reason', async () => {
    expect((await failure(call('file.read', { path: 'image.png' }))).code).toBe('binary')
    const huge = await failure(call('file.read', { path: 'huge.txt' }))
    expect(huge.code).toBe('too_large')
    expect(huge.message).toMatch(/6\.0 MB/)
    const medium = await call('file.read', { path: 'medium.txt' })
    expect(medium.readOnly).toBe(true)
    expect(medium.readOnlyReason).toMatch(/large file/)
  })

  it.each([
    ['../outside.txt'],
    ['/etc/passwd'],
    ['escape-link'],
    ['src/../../outside.txt'],
    ['%2e%2e/outside.txt'],
    ['nul'],
  ])('refuses %s for read and write, and leaves the outside untouched', async (path) => {
    expect((await failure(call('file.read', { path }))).code).toBe('forbidden')
    expect(
      (await failure(call('file.write', { path, text: 'pwned', encoding: 'utf8', eol: '\n' }))).code,
    ).toBe('forbidden')
    expect(readFileSync(join(base, 'outside.txt'), 'utf8')).toBe('outside secret')
  })

  it('rejects malformed arguments at the contract', async () => {
    const err = await failure(
      core.dispatcher.dispatch(
        'file.read',
        { path: 42 },
        { signal: new AbortController().signal, transport: 'local' },
      ),
    )
    expect(err.code).toBe('invalid_argument')
  })

  it('refuses to open a missing folder or a file, and switching folders stops the old watcher', async () => {
    expect((await failure(call('workspace.open', { root: join(base, 'nope') }))).code).toBe('not_found')
    expect((await failure(call('workspace.open', { root: join(ws, 'win.txt') }))).code).toBe('not_found')
    expect((await call('workspace.info', {}))?.root).toBe(ws)

    const old = core.workspace.watcher
    const other = join(base, 'other')
    mkdirSync(other)
    const info = await call('workspace.open', { root: other })
    expect(info.root).toBe(other)
    expect(old?.state.status).toBe('stopped')
    expect(events.find((e) => e.event === 'workspace.opened')?.payload).toMatchObject({ root: other })
    expect((await call('workspace.recent', {})).slice(0, 2)).toEqual([other, ws])
    // Back to the first folder for any later test.
    await call('workspace.open', { root: ws })
    await watcherReady()
  })
})
