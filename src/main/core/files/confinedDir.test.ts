import { constants } from 'node:fs'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { atomicWrite } from './atomicWrite'
import { openCheckedFile, openConfinedDir, SymlinkSwapped, useProcFdForTests } from './confinedDir'

let base: string
let ws: string
let outside: string

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-confined-')))
  ws = join(base, 'ws')
  outside = join(base, 'outside')
  mkdirSync(join(ws, 'sub', 'deep'), { recursive: true })
  mkdirSync(outside)
  writeFileSync(join(ws, 'sub', 'f.txt'), 'inside')
  writeFileSync(join(outside, 'f.txt'), 'outside')
})

afterEach(() => {
  useProcFdForTests(undefined)
  rmSync(base, { recursive: true, force: true })
})

/** Replaces ws/sub by a link to the outside folder; the real folder moves to ws/sub-real. */
function swap(): void {
  renameSync(join(ws, 'sub'), join(ws, 'sub-real'))
  symlinkSync(outside, join(ws, 'sub'))
}

const modes = [
  ['descriptor walk', true],
  ['path walk', false],
] as const

describe.each(modes)('openConfinedDir (%s)', (_name, proc) => {
  beforeEach(() => useProcFdForTests(proc && process.platform === 'linux' ? undefined : false))

  it('reads and creates files in the folder it reached', async () => {
    const dir = await openConfinedDir(ws, ['sub'])
    try {
      const h = await dir.open('f.txt', constants.O_RDONLY)
      expect((await h.readFile()).toString()).toBe('inside')
      await h.close()
      await atomicWrite(dir.at('g.txt'), Buffer.from('new'))
    } finally {
      await dir.close()
    }
    expect(readFileSync(join(ws, 'sub', 'g.txt'), 'utf8')).toBe('new')
  })

  it('makes missing folders on the way when asked', async () => {
    const dir = await openConfinedDir(ws, ['sub', 'a', 'b'], true)
    await dir.close()
    expect(readdirSync(join(ws, 'sub', 'a'))).toEqual(['b'])
    await expect(openConfinedDir(ws, ['sub', 'c'])).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('refuses a symlink at any component or as the file', async () => {
    swap()
    await expect(openConfinedDir(ws, ['sub'])).rejects.toBeInstanceOf(SymlinkSwapped)
    await expect(openConfinedDir(ws, ['sub', 'x'], true)).rejects.toBeInstanceOf(SymlinkSwapped)
    symlinkSync(join(outside, 'f.txt'), join(ws, 'link.txt'))
    const dir = await openConfinedDir(ws, [])
    try {
      await expect(dir.open('link.txt', constants.O_RDONLY)).rejects.toBeInstanceOf(SymlinkSwapped)
    } finally {
      await dir.close()
    }
    expect(readdirSync(outside)).toEqual(['f.txt'])
  })

  it('tells a file in the way from a swapped folder', async () => {
    await expect(openConfinedDir(ws, ['sub', 'f.txt'])).rejects.toMatchObject({ code: 'ENOTDIR' })
  })
})

describe.skipIf(process.platform !== 'linux')('openConfinedDir on Linux (descriptor walk)', () => {
  it('keeps reads, temp files and renames in the opened folder after its path is swapped for a link', async () => {
    const dir = await openConfinedDir(ws, ['sub'])
    try {
      swap() // between the check (the walk) and every use below
      const h = await dir.open('f.txt', constants.O_RDONLY)
      expect((await h.readFile()).toString()).toBe('inside')
      await h.close()
      await atomicWrite(dir.at('f.txt'), Buffer.from('saved'))
    } finally {
      await dir.close()
    }
    expect(readFileSync(join(ws, 'sub-real', 'f.txt'), 'utf8')).toBe('saved')
    expect(readdirSync(outside)).toEqual(['f.txt'])
    expect(readFileSync(join(outside, 'f.txt'), 'utf8')).toBe('outside')
    expect(readdirSync(join(ws, 'sub-real')).sort()).toEqual(['deep', 'f.txt'])
  })
})

describe.skipIf(process.platform !== 'linux')('openCheckedFile', () => {
  const read = async (abs: string): Promise<string | null> => {
    const o = await openCheckedFile(abs, constants.O_RDONLY)
    if (!o) return null
    try {
      return (await o.h.readFile()).toString()
    } finally {
      await o.h.close()
    }
  }

  it('opens a file that is where it was checked', async () => {
    expect(await read(join(ws, 'sub', 'f.txt'))).toBe('inside')
  })

  it('gives no handle for a folder swapped for a link after the check (the walk decides)', async () => {
    const checked = join(ws, 'sub', 'f.txt')
    swap()
    // The open follows `sub` to the outside file; the kernel then names it there, not at `checked`.
    expect(await read(checked)).toBeNull()
  })

  it('gives no handle for a link as the file, a folder, a missing file, or without /proc', async () => {
    symlinkSync(join(outside, 'f.txt'), join(ws, 'link.txt'))
    expect(await read(join(ws, 'link.txt'))).toBeNull()
    expect(await read(join(ws, 'sub'))).toBeNull()
    expect(await read(join(ws, 'nope.txt'))).toBeNull()
    useProcFdForTests(false)
    expect(await read(join(ws, 'sub', 'f.txt'))).toBeNull()
  })
})
