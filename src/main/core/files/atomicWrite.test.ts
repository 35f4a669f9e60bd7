import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  atomicWrite,
  CREATE_FLAGS,
  nodeAtomicFs,
  TEMP_MARKER,
  type AtomicWriteFs,
  type WritableHandle,
} from './atomicWrite'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-atomic-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const temps = (): string[] => readdirSync(dir).filter((n) => n.includes(TEMP_MARKER))
const enospc = (): Error =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })

/** Real node:fs, except that file writes fail after `okBytes` bytes have really reached the disk. */
function diskFullAfter(okBytes: number): AtomicWriteFs {
  return {
    ...nodeAtomicFs,
    async open(path, flags, mode) {
      const real = await nodeAtomicFs.open(path, flags, mode)
      let written = 0
      const h: WritableHandle = {
        async write(buf, offset, length, position) {
          if (written >= okBytes) throw enospc()
          const n = Math.min(length, okBytes - written)
          const r = await real.write(buf, offset, n, position)
          written += r.bytesWritten
          return r
        },
        sync: () => real.sync(),
        truncate: (len) => real.truncate(len),
        close: () => real.close(),
      }
      return h
    },
  }
}

describe('atomicWrite', () => {
  it('replaces the content and keeps the permission bits', async () => {
    const f = join(dir, 'run.sh')
    writeFileSync(f, '#!/bin/sh\necho old\n')
    chmodSync(f, 0o754)
    await atomicWrite(f, Buffer.from('#!/bin/sh\necho new\n'))
    expect(readFileSync(f, 'utf8')).toBe('#!/bin/sh\necho new\n')
    expect(statSync(f).mode & 0o7777).toBe(0o754)
    expect(temps()).toEqual([])
  })

  it('creates a new file with the default mode', async () => {
    const f = join(dir, 'new.txt')
    await atomicWrite(f, Buffer.from('hello'))
    expect(readFileSync(f, 'utf8')).toBe('hello')
    expect(statSync(f).mode & 0o777).toBe(0o666 & ~process.umask())
  })

  it('writes a large buffer completely', async () => {
    const f = join(dir, 'big.bin')
    const data = Buffer.alloc(3 * 1024 * 1024 + 7, 0x61)
    await atomicWrite(f, data)
    expect(readFileSync(f).equals(data)).toBe(true)
  })

  it('leaves the old file intact and no temp file when the write fails midway', async () => {
    const f = join(dir, 'precious.txt')
    writeFileSync(f, 'the user wrote this')
    const payload = Buffer.alloc(64 * 1024, 0x78)
    await expect(atomicWrite(f, payload, { fs: diskFullAfter(1000) })).rejects.toMatchObject({
      code: 'ENOSPC',
    })
    expect(readFileSync(f, 'utf8')).toBe('the user wrote this')
    expect(temps()).toEqual([])
  })

  it('fails midway on a new file: no file, no temp', async () => {
    const f = join(dir, 'fresh.txt')
    await expect(atomicWrite(f, Buffer.alloc(5000), { fs: diskFullAfter(10) })).rejects.toThrow(/ENOSPC/)
    expect(readdirSync(dir)).toEqual([])
  })

  it.each(['sync', 'rename', 'chmod'] as const)('cleans up when %s fails', async (which) => {
    const f = join(dir, 'x.txt')
    writeFileSync(f, 'old')
    const boom = (): Promise<never> =>
      Promise.reject(Object.assign(new Error(`${which} failed`), { code: 'EIO' }))
    const fs: AtomicWriteFs =
      which === 'rename'
        ? { ...nodeAtomicFs, rename: boom }
        : which === 'chmod'
          ? { ...nodeAtomicFs, chmod: boom }
          : {
              ...nodeAtomicFs,
              async open(p, fl, m) {
                const real = await nodeAtomicFs.open(p, fl, m)
                return {
                  write: (...a) => real.write(...a),
                  sync: boom,
                  truncate: (l) => real.truncate(l),
                  close: () => real.close(),
                }
              },
            }
    await expect(atomicWrite(f, Buffer.from('new'), { fs })).rejects.toThrow(`${which} failed`)
    expect(readFileSync(f, 'utf8')).toBe('old')
    expect(temps()).toEqual([])
  })

  it('refuses to replace a folder', async () => {
    await expect(atomicWrite(dir, Buffer.from('x'))).rejects.toMatchObject({ code: 'EISDIR' })
  })

  it('falls back to an in-place write when the folder refuses new files', async () => {
    const f = join(dir, 'locked.txt')
    writeFileSync(f, 'old content that is longer')
    const fs: AtomicWriteFs = {
      ...nodeAtomicFs,
      open: (p, fl, m) =>
        fl === CREATE_FLAGS
          ? Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' }))
          : nodeAtomicFs.open(p, fl, m),
    }
    await atomicWrite(f, Buffer.from('new'), { fs })
    expect(readFileSync(f, 'utf8')).toBe('new')
  })

  it.skipIf(process.platform === 'win32')(
    'with a mode: created with it from the start, and a replaced looser file gets it too',
    async () => {
      const opened: number[] = []
      const fs: AtomicWriteFs = {
        ...nodeAtomicFs,
        open: (p, fl, m) => {
          if (m !== undefined) opened.push(m)
          return nodeAtomicFs.open(p, fl, m)
        },
      }
      const f = join(dir, 'secret.json')
      await atomicWrite(f, Buffer.from('{}'), { fs, mode: 0o600 })
      expect(statSync(f).mode & 0o777).toBe(0o600)
      writeFileSync(join(dir, 'old.json'), 'x')
      chmodSync(join(dir, 'old.json'), 0o644)
      await atomicWrite(join(dir, 'old.json'), Buffer.from('{}'), { fs, mode: 0o600 })
      expect(statSync(join(dir, 'old.json')).mode & 0o777).toBe(0o600)
      expect(opened).toEqual([0o600, 0o600])
      expect(temps()).toEqual([])
    },
  )
})
