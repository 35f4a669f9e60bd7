import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventName } from '@shared/contract'
import { HearthError } from '@shared/errors'
import { EventBus } from '../base/eventBus'
import { nodeAtomicFs, type AtomicWriteFs } from '../files/atomicWrite'
import { MAX_OPEN_BYTES, WorkspaceService } from './workspaceService'

let base: string
let ws: string
let events: { event: EventName; payload: unknown }[]
let bus: EventBus
const services: WorkspaceService[] = []

function service(extra: { writeFs?: AtomicWriteFs } = {}): WorkspaceService {
  const svc = new WorkspaceService({ events: bus, stateDir: join(base, 'state'), watch: false, ...extra })
  services.push(svc)
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

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-svc-')))
  ws = join(base, 'ws')
  mkdirSync(ws)
  writeFileSync(join(ws, 'a.txt'), 'original\n')
  events = []
  bus = new EventBus()
  bus.subscribe((event, payload) => events.push({ event, payload }))
})

afterEach(async () => {
  for (const s of services.splice(0)) await s.dispose()
  rmSync(base, { recursive: true, force: true })
})

describe('WorkspaceService', () => {
  it('says no folder is open before open()', async () => {
    const svc = service()
    expect(svc.info()).toBeNull()
    expect(svc.root).toBeNull()
    expect((await failure(svc.read('a.txt'))).code).toBe('unavailable')
  })

  it('opens a folder by its real path, notifies listeners and emits workspace.opened', async () => {
    symlinkSync(ws, join(base, 'ws-link'))
    const svc = service()
    const opened: string[] = []
    svc.onDidOpen((i) => opened.push(i.root))
    const info = await svc.open(join(base, 'ws-link'))
    expect(info).toEqual({ root: ws, name: 'ws' })
    expect(svc.root).toBe(ws)
    expect(svc.rules).not.toBeNull()
    expect(svc.watcher).toBeNull() // watch: false
    expect(opened).toEqual([ws])
    expect(events).toEqual([{ event: 'workspace.opened', payload: info }])
  })

  it('calls close listeners when another folder opens', async () => {
    const other = join(base, 'other')
    mkdirSync(other)
    const svc = service()
    const closed: string[] = []
    svc.onDidClose((r) => closed.push(r))
    await svc.open(ws)
    await svc.open(other)
    expect(closed).toEqual([ws])
  })

  it('drops a vanished folder from the recent list when opening it fails', async () => {
    const gone = join(base, 'gone')
    mkdirSync(gone)
    const svc = service()
    await svc.open(gone)
    await svc.open(ws)
    rmSync(gone, { recursive: true })
    expect(await svc.recent()).toEqual([ws, gone])
    expect((await failure(svc.open(gone))).code).toBe('not_found')
    expect(await svc.recent()).toEqual([ws])
  })

  it('a save that fails midway (disk full) reports it clearly and keeps the old file', async () => {
    const diskFull: AtomicWriteFs = {
      ...nodeAtomicFs,
      async open(p, flags, mode) {
        const h = await nodeAtomicFs.open(p, flags, mode)
        return {
          write: async (buf, off, len, pos) => {
            await h.write(buf, off, Math.min(len, 3), pos) // some bytes really land…
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }) // …then the disk is full
          },
          sync: () => h.sync(),
          truncate: (l) => h.truncate(l),
          close: () => h.close(),
        }
      },
    }
    const svc = service({ writeFs: diskFull })
    await svc.open(ws)
    const f = await svc.read('a.txt')
    const err = await failure(
      svc.write({ path: 'a.txt', text: 'new text', encoding: 'utf8', eol: '\n', baseVersion: f.version }),
    )
    expect(err.code).toBe('unavailable')
    expect(err.message).toMatch(/disk is full/)
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('original\n')
    expect(readdirSync(ws)).toEqual(['a.txt'])
  })

  it('two racing saves from the same base version: one wins, the other gets a conflict', async () => {
    const svc = service()
    await svc.open(ws)
    const f = await svc.read('a.txt')
    const results = await Promise.allSettled([
      svc.write({ path: 'a.txt', text: 'first\n', encoding: 'utf8', eol: '\n', baseVersion: f.version }),
      svc.write({ path: './a.txt', text: 'second\n', encoding: 'utf8', eol: '\n', baseVersion: f.version }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
    const rejected = results[1]
    expect(
      rejected?.status === 'rejected' && rejected.reason instanceof HearthError && rejected.reason.code,
    ).toBe('conflict')
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('first\n')
  })

  it('refuses to read or write a folder, and to create a file under a file', async () => {
    mkdirSync(join(ws, 'dir'))
    const svc = service()
    await svc.open(ws)
    expect((await failure(svc.read('dir'))).code).toBe('invalid_argument')
    expect((await failure(svc.write({ path: 'dir', text: '', encoding: 'utf8', eol: '\n' }))).code).toBe(
      'invalid_argument',
    )
    expect(
      (await failure(svc.write({ path: 'a.txt/b.txt', text: '', encoding: 'utf8', eol: '\n' }))).code,
    ).toMatch(/invalid_argument|not_found/)
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('original\n')
  })

  it.skipIf(process.getuid?.() === 0)(
    'opens a file without write permission read-only (root may write anything)',
    async () => {
      chmodSync(join(ws, 'a.txt'), 0o444)
      const svc = service()
      await svc.open(ws)
      const f = await svc.read('a.txt')
      expect(f.readOnly).toBe(true)
      expect(f.readOnlyReason).toMatch(/permission/)
      // An atomic rename would only need folder permission: the service must still refuse.
      expect((await failure(svc.write({ path: 'a.txt', text: 'x', encoding: 'utf8', eol: '\n' }))).code).toBe(
        'forbidden',
      )
      expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('original\n')
    },
  )

  it('reads UTF-8 with BOM and reports the size on disk', async () => {
    writeFileSync(join(ws, 'bom.txt'), Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69]))
    const svc = service()
    await svc.open(ws)
    expect(await svc.read('bom.txt')).toMatchObject({
      text: 'hi',
      encoding: 'utf8bom',
      eol: '\n',
      size: 5,
      readOnly: false,
    })
  })

  it('refuses to save more than file.read would open again, before touching the disk', async () => {
    const svc = service()
    await svc.open(ws)
    const tooBig = [
      { text: 'x'.repeat(MAX_OPEN_BYTES + 1), encoding: 'utf8' as const },
      // The limit is on the bytes written: a BOM and multi-byte characters count.
      { text: 'x'.repeat(MAX_OPEN_BYTES - 2), encoding: 'utf8bom' as const },
      { text: 'é'.repeat(MAX_OPEN_BYTES / 2 + 1), encoding: 'utf8' as const },
    ]
    for (const { text, encoding } of tooBig) {
      const err = await failure(svc.write({ path: 'new/big.txt', text, encoding, eol: '\n' }))
      expect(err.code).toBe('too_large')
      expect(err.message).toMatch(
        /new\/big\.txt is too large to save \(5\.0 MB; files over 5\.0 MB cannot be opened/,
      )
    }
    expect(readdirSync(ws)).toEqual(['a.txt']) // no folder, no temp file
    // Exactly the limit saves, and opens again.
    await svc.write({ path: 'edge.txt', text: 'x'.repeat(MAX_OPEN_BYTES), encoding: 'utf8', eol: '\n' })
    expect((await svc.read('edge.txt')).size).toBe(MAX_OPEN_BYTES)
  })
})
