import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventName } from '@shared/contract'
import { HearthError } from '@shared/errors'
import { EventBus } from '../base/eventBus'
import type { FileChangeEvent } from '../files/watchTypes'
import { moveNoReplace } from './entryOps'
import { WorkspaceService } from './workspaceService'

// The real OS trash, pointed at a temp folder (xdg-basedir reads this when `trash` first loads).
const trashHome = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-trash-')))
process.env.XDG_DATA_HOME = trashHome

let base: string
let ws: string
let events: { event: EventName; payload: unknown }[]
const services: WorkspaceService[] = []

async function open(watch = false): Promise<WorkspaceService> {
  const bus = new EventBus()
  bus.subscribe((event, payload) => events.push({ event, payload }))
  const svc = new WorkspaceService({ events: bus, stateDir: join(base, 'state'), watch })
  services.push(svc)
  await svc.open(ws)
  return svc
}

async function failure(p: Promise<unknown>): Promise<HearthError> {
  try {
    await p
  } catch (err) {
    if (err instanceof HearthError) return err
    throw err
  }
  throw new Error('expected a failure')
}

const read = (rel: string): string => readFileSync(join(ws, rel), 'utf8')

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-ops-')))
  ws = join(base, 'ws')
  mkdirSync(join(ws, 'src/lib'), { recursive: true })
  writeFileSync(join(ws, 'a.txt'), 'alpha\n')
  writeFileSync(join(ws, 'src/main.ts'), 'export const main = 1\n')
  writeFileSync(join(ws, 'src/lib/util.ts'), 'export const util = 2\n')
  mkdirSync(join(base, 'outside'))
  writeFileSync(join(base, 'outside/secret.txt'), 'secret\n')
  symlinkSync(join(base, 'outside'), join(ws, 'out'))
  events = []
})

afterEach(async () => {
  for (const s of services.splice(0)) await s.dispose()
  rmSync(base, { recursive: true, force: true })
})

afterAll(() => rmSync(trashHome, { recursive: true, force: true }))

describe('create', () => {
  it('creates an empty file and a folder, and refuses a taken name without touching it', async () => {
    const svc = await open()
    await expect(svc.create('src/new.ts', 'file')).resolves.toEqual({ path: 'src/new.ts', kind: 'file' })
    expect(readFileSync(join(ws, 'src/new.ts')).length).toBe(0)
    await svc.create('src/pkg', 'dir')
    expect(lstatSync(join(ws, 'src/pkg')).isDirectory()).toBe(true)
    const taken = await failure(svc.create('a.txt', 'file'))
    expect(taken.code).toBe('conflict')
    expect(taken.message).toBe('a.txt already exists: choose another name')
    expect(read('a.txt')).toBe('alpha\n')
    expect((await failure(svc.create('src', 'dir'))).code).toBe('conflict')
    expect(events).toContainEqual({ event: 'workspace.treeChanged', payload: { dirs: ['src'] } })
  })

  it('refuses names that leave the workspace or are not names', async () => {
    const svc = await open()
    for (const bad of ['../x.txt', '', 'a/../../x', 'con.ts', 'x\u0001y']) {
      expect((await failure(svc.create(bad, 'file'))).code).toMatch(/forbidden|invalid_argument/)
    }
    // Through a link that points out of the workspace: refused, nothing written outside.
    expect((await failure(svc.create('out/planted.txt', 'file'))).code).toBe('forbidden')
    expect(readdirSync(join(base, 'outside'))).toEqual(['secret.txt'])
    expect((await failure(svc.create('nowhere/x.ts', 'file'))).code).toBe('not_found')
  })
})

describe('rename and move', () => {
  it('renames a file (same bytes, old name gone) and moves it into a folder', async () => {
    const svc = await open()
    await expect(svc.rename('a.txt', 'b.txt')).resolves.toEqual({ from: 'a.txt', to: 'b.txt', kind: 'file' })
    expect(existsSync(join(ws, 'a.txt'))).toBe(false)
    expect(read('b.txt')).toBe('alpha\n')
    await svc.rename('b.txt', 'src/lib/b.txt')
    expect(read('src/lib/b.txt')).toBe('alpha\n')
    expect(events).toContainEqual({
      event: 'workspace.moved',
      payload: { from: 'b.txt', to: 'src/lib/b.txt', kind: 'file' },
    })
    expect(events).toContainEqual({ event: 'workspace.treeChanged', payload: { dirs: ['', 'src/lib'] } })
  })

  it('moves a folder with everything in it', async () => {
    const svc = await open()
    await svc.create('pkg', 'dir')
    await svc.rename('src', 'pkg/src')
    expect(read('pkg/src/lib/util.ts')).toBe('export const util = 2\n')
    expect(existsSync(join(ws, 'src'))).toBe(false)
  })

  it('never overwrites: a taken name is a conflict and both files keep their bytes', async () => {
    const svc = await open()
    writeFileSync(join(ws, 'b.txt'), 'bravo\n')
    const err = await failure(svc.rename('a.txt', 'b.txt'))
    expect(err.code).toBe('conflict')
    expect(read('a.txt')).toBe('alpha\n')
    expect(read('b.txt')).toBe('bravo\n')
    // A folder onto a file, a file onto a folder.
    expect((await failure(svc.rename('src', 'b.txt'))).code).toBe('conflict')
    expect((await failure(svc.rename('a.txt', 'src'))).code).toBe('conflict')
  })

  it('never replaces a destination that appears after the check: the move itself refuses it', async () => {
    const svc = await open()
    // The step after the check, given a name someone took meanwhile (a plain rename would replace it).
    writeFileSync(join(ws, 'late.txt'), 'written meanwhile\n')
    const err = await failure(moveNoReplace('file', join(ws, 'a.txt'), join(ws, 'late.txt'), 'late.txt'))
    expect(err.code).toBe('conflict')
    expect(read('late.txt')).toBe('written meanwhile\n')
    expect(read('a.txt')).toBe('alpha\n')
    symlinkSync('a.txt', join(ws, 'link'))
    expect((await failure(moveNoReplace('symlink', join(ws, 'link'), join(ws, 'late.txt'), 'x'))).code).toBe(
      'conflict',
    )
    expect(lstatSync(join(ws, 'link')).isSymbolicLink()).toBe(true)

    // Through the service: the same file (inode, mtime: the editor's version) under one name only.
    const before = lstatSync(join(ws, 'a.txt'))
    await svc.rename('a.txt', 'src/moved.txt')
    const after = lstatSync(join(ws, 'src/moved.txt'))
    expect([after.ino, after.mtimeMs, after.nlink]).toEqual([before.ino, before.mtimeMs, 1])
    expect(existsSync(join(ws, 'a.txt'))).toBe(false)
    await svc.rename('link', 'src/link')
    expect(readlinkSync(join(ws, 'src/link'))).toBe('a.txt')
    expect(existsSync(join(ws, 'link'))).toBe(false)
    // A folder onto an empty folder would replace it: refused too.
    mkdirSync(join(ws, 'empty'))
    expect((await failure(svc.rename('src/lib', 'empty'))).code).toBe('conflict')
    expect(read('src/lib/util.ts')).toBe('export const util = 2\n')
  })

  it('refuses moving a folder into itself', async () => {
    const svc = await open()
    const err = await failure(svc.rename('src', 'src/lib/src'))
    expect(err.code).toBe('forbidden')
    expect(err.message).toBe('cannot move src into itself')
    // Through a link inside the workspace that leads back into the folder.
    symlinkSync(join(ws, 'src/lib'), join(ws, 'lib-link'))
    expect((await failure(svc.rename('src', 'lib-link/src'))).code).toBe('forbidden')
    expect(read('src/lib/util.ts')).toBe('export const util = 2\n')
  })

  it('changes only the case of a name (a real rename where case matters)', async () => {
    const svc = await open()
    await svc.rename('a.txt', 'A.txt')
    expect(readdirSync(ws)).toContain('A.txt')
    expect(readdirSync(ws)).not.toContain('a.txt')
  })

  it('refuses a case-only name that is a different entry (hard link on a case-sensitive disk)', async () => {
    const svc = await open()
    linkSync(join(ws, 'a.txt'), join(ws, 'A.txt'))
    expect((await failure(svc.rename('a.txt', 'A.txt'))).code).toBe('conflict')
    expect(
      readdirSync(ws)
        .filter((n) => n.toLowerCase() === 'a.txt')
        .sort(),
    ).toEqual(['A.txt', 'a.txt'])
  })

  it('moves a link as a link and refuses to move anything through a link out of the workspace', async () => {
    const svc = await open()
    expect((await failure(svc.rename('a.txt', 'out/a.txt'))).code).toBe('forbidden')
    expect((await failure(svc.rename('out/secret.txt', 'stolen.txt'))).code).toBe('forbidden')
    expect(readdirSync(join(base, 'outside'))).toEqual(['secret.txt'])
    await expect(svc.rename('out', 'out-renamed')).resolves.toMatchObject({ kind: 'symlink' })
    expect(lstatSync(join(ws, 'out-renamed')).isSymbolicLink()).toBe(true)
    expect(read('a.txt')).toBe('alpha\n')
    expect(readFileSync(join(base, 'outside/secret.txt'), 'utf8')).toBe('secret\n')
  })

  it('refuses the workspace root and a missing source', async () => {
    const svc = await open()
    expect((await failure(svc.rename('', 'x'))).code).toBe('forbidden')
    expect((await failure(svc.rename('missing.txt', 'x.txt'))).code).toBe('not_found')
  })
})

describe('delete', () => {
  it('moves a file to the OS trash (restorable, with its original path recorded)', async () => {
    const svc = await open()
    await expect(svc.remove('a.txt')).resolves.toEqual({ path: 'a.txt', kind: 'file', outcome: 'trashed' })
    expect(existsSync(join(ws, 'a.txt'))).toBe(false)
    const trashed = readdirSync(join(trashHome, 'Trash/files'))
    const bytes = trashed.map((n) => readFileSync(join(trashHome, 'Trash/files', n), 'utf8'))
    expect(bytes).toContain('alpha\n')
    const infos = readdirSync(join(trashHome, 'Trash/info')).map((n) =>
      readFileSync(join(trashHome, 'Trash/info', n), 'utf8'),
    )
    expect(infos.some((i) => i.includes(`Path=${encodeURI(join(ws, 'a.txt'))}`))).toBe(true)
    expect(events).toContainEqual({ event: 'workspace.deleted', payload: { path: 'a.txt', kind: 'file' } })
  })

  it('deletes a folder for good when asked, and a link without touching its target', async () => {
    const svc = await open()
    await expect(svc.remove('src', true)).resolves.toMatchObject({ outcome: 'deleted', kind: 'dir' })
    expect(existsSync(join(ws, 'src'))).toBe(false)
    await expect(svc.remove('out', true)).resolves.toMatchObject({ outcome: 'deleted', kind: 'symlink' })
    expect(readFileSync(join(base, 'outside/secret.txt'), 'utf8')).toBe('secret\n')
  })

  it('refuses through a link out of the workspace, the root, and a missing file', async () => {
    const svc = await open()
    expect((await failure(svc.remove('out/secret.txt', true))).code).toBe('forbidden')
    expect(existsSync(join(base, 'outside/secret.txt'))).toBe(true)
    expect((await failure(svc.remove(''))).code).toBe('forbidden')
    expect((await failure(svc.remove('gone.txt'))).code).toBe('not_found')
  })
})

describe('the index follows at once', () => {
  it('hands our own rename to the change consumers before the watcher would', async () => {
    const svc = await open(true)
    const batches: FileChangeEvent[][] = []
    const off = svc.watcher?.onChanges((b) => batches.push(b))
    expect(off).toBeDefined()
    await svc.rename('src', 'app')
    // Synchronously with the answer: no debounce, no atomic hold.
    expect(batches[0]).toEqual([
      { path: 'src', kind: 'deleted' },
      { path: 'app/main.ts', kind: 'created' },
      { path: 'app/lib/util.ts', kind: 'created' },
    ])
    await svc.create('new.ts', 'file')
    expect(batches[1]).toEqual([{ path: 'new.ts', kind: 'created' }])
    await svc.remove('new.ts', true)
    expect(batches[2]).toEqual([{ path: 'new.ts', kind: 'deleted' }])
    off?.()
  })

  it('an open file that is renamed is not reported deleted when the watcher catches up', async () => {
    const svc = await open(true)
    await svc.read('a.txt')
    await svc.rename('a.txt', 'b.txt')
    await new Promise((r) => setTimeout(r, 600))
    expect(events.filter((e) => e.event === 'file.changed')).toEqual([])
  })
})
