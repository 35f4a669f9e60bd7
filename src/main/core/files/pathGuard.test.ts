import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { isInside, normalizeRelPath, PathGuard } from './pathGuard'

const base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-guard-')))
const root = join(base, 'ws')
const outside = join(base, 'outside')
mkdirSync(join(root, 'src', 'deep'), { recursive: true })
mkdirSync(outside)
writeFileSync(join(root, 'src', 'a.ts'), 'a')
writeFileSync(join(outside, 'secret.txt'), 'secret')
symlinkSync(join(outside, 'secret.txt'), join(root, 'link-to-secret'))
symlinkSync(outside, join(root, 'link-to-outside-dir'))
symlinkSync(join(base, 'nowhere'), join(root, 'dangling'))
symlinkSync(join(outside, 'missing-dir'), join(root, 'dangling-dir'))
symlinkSync(join(root, 'src'), join(root, 'src-link')) // stays inside: allowed
symlinkSync('..', join(root, 'src', 'up')) // relative link to the root itself: allowed
symlinkSync('../..', join(root, 'src', 'up2')) // relative link above the root: refused
symlinkSync(join(root, 'loop-b'), join(root, 'loop-a'))
symlinkSync(join(root, 'loop-a'), join(root, 'loop-b'))

afterAll(() => rmSync(base, { recursive: true, force: true }))

const guard = new PathGuard(root)

async function refusal(rel: string): Promise<HearthError> {
  try {
    await guard.resolve(rel)
  } catch (err) {
    if (err instanceof HearthError) return err
    throw err
  }
  throw new Error(`${JSON.stringify(rel)} was accepted`)
}

describe('PathGuard refuses hostile paths', () => {
  it.each([
    ['..', 'parent'],
    ['../outside/secret.txt', 'traversal'],
    ['src/../../outside/secret.txt', 'traversal inside'],
    ['src/deep/../../..', 'traversal to above root'],
    ['/etc/passwd', 'absolute'],
    ['//server/share/x', 'UNC-like'],
    ['C:/Windows/win.ini', 'drive letter'],
    ['c:secret', 'drive-relative'],
    ['..\\outside\\secret.txt', 'backslash traversal'],
    ['src\\..\\..\\x', 'backslash inside'],
    ['\\\\server\\share', 'UNC backslash'],
    ['src/a.ts\0.png', 'NUL byte'],
    ['\0', 'only NUL'],
    ['%2e%2e/outside/secret.txt', 'encoded dots'],
    ['%2E%2E/outside', 'encoded dots upper case'],
    ['src/%2e%2e/%2e%2e/outside', 'encoded dots inside'],
    ['%252e%252e/outside', 'double-encoded dots'],
    ['src%2f..%2f..%2foutside', 'encoded slash'],
    ['src%5c..', 'encoded backslash'],
    ['a%00b', 'encoded NUL'],
    ['...', 'only dots (Windows strips trailing dots)'],
    ['.. ', 'dots and space'],
    ['src/. .', 'dot space dot'],
    ['CON', 'device'],
    ['con.txt', 'device with extension'],
    ['src/nul', 'device in a folder'],
    ['Nul.tar.gz', 'device with two extensions'],
    ['aux', 'AUX'],
    ['prn.md', 'PRN'],
    ['COM1', 'COM1'],
    ['com9.log', 'COM9'],
    ['LPT1', 'LPT1'],
    ['lpt3.txt', 'LPT3'],
    ['CONIN$', 'CONIN$'],
    ['con .txt', 'device with trailing space'],
    ['~/.ssh/id_rsa', 'home'],
    ['a\u0001b', 'control character'],
    ['x'.repeat(256), 'name over 255 bytes'],
    ['é'.repeat(128), 'name over 255 bytes in UTF-8 (256 bytes)'],
    [('abcdefghij/'.repeat(373) + 'x').slice(0, 4097), 'path over 4096 bytes'],
    ['link-to-secret', 'symlink to a file outside'],
    ['link-to-outside-dir/secret.txt', 'through a symlinked folder outside'],
    ['link-to-outside-dir/new.txt', 'new file through a symlinked folder outside'],
    ['dangling', 'dangling symlink (writing would create the target outside)'],
    ['dangling-dir/new.txt', 'new file below a dangling symlink'],
    ['src/up2/outside/secret.txt', 'relative symlink above the root'],
    ['loop-a', 'symlink loop'],
    ['loop-a/x', 'below a symlink loop'],
  ])('%j (%s)', async (rel) => {
    const err = await refusal(rel)
    expect(err.code).toBe('forbidden')
    expect(err.message).toMatch(/^refused path|symlink|permission/)
  })
})

describe('PathGuard accepts legitimate paths', () => {
  it.each([
    ['', root],
    ['.', root],
    ['src/a.ts', join(root, 'src', 'a.ts')],
    ['./src//a.ts', join(root, 'src', 'a.ts')],
    ['src/', join(root, 'src')],
    ['.gitignore', join(root, '.gitignore')],
    ['.env.local', join(root, '.env.local')],
    ['a..b', join(root, 'a..b')],
    ['..a', join(root, '..a')],
    ['a..', join(root, 'a..')],
    ['.hidden/..x/y', join(root, '.hidden', '..x', 'y')],
    ['100%.txt', join(root, '100%.txt')],
    ['%zz.txt', join(root, '%zz.txt')],
    ['a%20b.txt', join(root, 'a%20b.txt')],
    ['日本語/ファイル.ts', join(root, '日本語', 'ファイル.ts')],
    ['emoji-😀.md', join(root, 'emoji-😀.md')],
    ['Ünïcödé.txt', join(root, 'Ünïcödé.txt')],
    ['console.ts', join(root, 'console.ts')],
    ['conf/nullable.ts', join(root, 'conf', 'nullable.ts')],
    ['com10.txt', join(root, 'com10.txt')],
    ['lpt.txt', join(root, 'lpt.txt')],
    ['x'.repeat(255), join(root, 'x'.repeat(255))],
    ['src-link/a.ts', join(root, 'src', 'a.ts')],
    ['src/up/src/a.ts', join(root, 'src', 'a.ts')],
    ['src/new-dir/new-file.ts', join(root, 'src', 'new-dir', 'new-file.ts')],
  ])('%j', async (rel, abs) => {
    const r = await guard.resolve(rel)
    expect(r.abs).toBe(abs)
  })

  it('reports existence and the normalised relative path', async () => {
    expect(await guard.resolve('./src//a.ts')).toEqual({
      rel: 'src/a.ts',
      abs: join(root, 'src', 'a.ts'),
      exists: true,
    })
    expect((await guard.resolve('src/new.ts')).exists).toBe(false)
  })

  it('resolves a symlinked file to its real path (saves go to the target, the link survives)', async () => {
    const r = await guard.resolve('src-link/a.ts')
    expect(r).toEqual({ rel: 'src-link/a.ts', abs: join(root, 'src', 'a.ts'), exists: true })
  })
})

describe('PathGuard edge cases', () => {
  it('says not_found when the workspace folder itself is gone', async () => {
    const gone = mkdtempSync(join(tmpdir(), 'hearth-gone-'))
    const g = new PathGuard(gone)
    rmSync(gone, { recursive: true })
    await expect(g.resolve('a.txt')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('isInside compares whole components, not string prefixes', () => {
    expect(isInside('/a/ws', '/a/ws')).toBe(true)
    expect(isInside('/a/ws', '/a/ws/x')).toBe(true)
    expect(isInside('/a/ws', '/a/ws-evil/x')).toBe(false)
    expect(isInside('/a/ws', '/a')).toBe(false)
    expect(isInside('/a/ws', '/a/ws/..x')).toBe(true)
    expect(isInside('/', '/etc')).toBe(true)
  })

  it('normalizeRelPath is pure and gives the canonical form', () => {
    expect(normalizeRelPath('a/./b//c/')).toBe('a/b/c')
    expect(normalizeRelPath('')).toBe('')
  })
})
