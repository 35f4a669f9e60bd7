import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { IgnoreRules } from '../files/ignoreRules'
import { PathGuard } from '../files/pathGuard'
import { listDir, naturalCompare, walkFiles } from './workspaceTree'

const base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-tree-')))
const root = join(base, 'ws')
const outside = join(base, 'outside')
const w = (rel: string, text = 'x'): void => {
  const abs = join(root, rel)
  mkdirSync(join(abs, '..'), { recursive: true })
  writeFileSync(abs, text)
}
mkdirSync(outside)
writeFileSync(join(outside, 'secret.txt'), 's')
w('.gitignore', '*.log\nlocal/\n')
w('.env', 'SECRET=1')
w('file10.ts')
w('file2.ts')
w('File1.ts')
w('b.md', 'hello')
w('debug.log')
w('src/index.ts')
w('src/nested/.gitignore', 'gen.ts\n')
w('src/nested/gen.ts')
w('src/nested/kept.ts')
w('dir10/x.ts')
w('dir9/x.ts')
w('local/notes.txt')
w('node_modules/pkg/index.js')
w('.git/config')
w('.a.ts.hearth-tmp-abc123')
symlinkSync(join(root, 'src'), join(root, 'src-link'))
symlinkSync(join(root, 'b.md'), join(root, 'b-link.md'))
symlinkSync(outside, join(root, 'outside-link'))
symlinkSync(join(base, 'missing'), join(root, 'dangling'))
symlinkSync(root, join(root, 'src', 'loop-to-root'))
symlinkSync(join(root, 'src', 'nested'), join(root, 'src', 'nested', 'self'))
mkdirSync(join(root, 'locked'))
w('locked/hidden.ts')
chmodSync(join(root, 'locked'), 0)

afterAll(() => {
  chmodSync(join(root, 'locked'), 0o755)
  rmSync(base, { recursive: true, force: true })
})

const guard = new PathGuard(root)
const rules = new IgnoreRules(root)

describe('listDir', () => {
  it('lists dirs first, then files, in natural order, with ignored entries flagged', async () => {
    const entries = await listDir(guard, rules, '')
    expect(entries.map((e) => `${e.kind}:${e.name}${e.ignored ? ' (ignored)' : ''}`)).toEqual([
      'dir:dir9',
      'dir:dir10',
      'dir:local (ignored)',
      'dir:locked',
      'dir:node_modules (ignored)',
      'dir:src',
      'dir:src-link',
      'file:.env',
      'file:.gitignore',
      'file:b-link.md',
      'file:b.md',
      // Links that point out of the workspace or nowhere stay 'symlink' (opening them is refused).
      'symlink:dangling',
      'file:debug.log (ignored)',
      'file:File1.ts',
      'file:file2.ts',
      'file:file10.ts',
      'symlink:outside-link',
    ])
    expect(entries.find((e) => e.name === 'b.md')).toEqual({
      name: 'b.md',
      path: 'b.md',
      kind: 'file',
      size: 5,
    })
    expect(entries.find((e) => e.name === 'b-link.md')?.size).toBe(5)
  })

  it('can drop ignored entries', async () => {
    const names = (await listDir(guard, rules, '', { includeIgnored: false })).map((e) => e.name)
    expect(names).not.toContain('node_modules')
    expect(names).not.toContain('debug.log')
    expect(names).toContain('.env')
  })

  it('applies nested .gitignore files and gives workspace-relative paths', async () => {
    const entries = await listDir(guard, rules, 'src/nested')
    expect(entries.map((e) => [e.path, e.kind, e.ignored ?? false])).toEqual([
      ['src/nested/self', 'dir', false],
      ['src/nested/.gitignore', 'file', false],
      ['src/nested/gen.ts', 'file', true],
      ['src/nested/kept.ts', 'file', false],
    ])
  })

  it('lists through a symlinked folder inside the workspace', async () => {
    expect((await listDir(guard, rules, 'src-link')).map((e) => e.path)).toContain('src-link/index.ts')
  })

  it.each([
    ['outside-link', 'forbidden'],
    ['../', 'forbidden'],
    ['missing', 'not_found'],
    ['b.md', 'not_found'],
  ])('refuses %s with %s', async (dir, code) => {
    await expect(listDir(guard, rules, dir)).rejects.toMatchObject({ code })
  })
})

describe('walkFiles', () => {
  it('returns every non-ignored file, shallow first, without following links out or looping', async () => {
    const { paths, truncated } = await walkFiles(guard, rules, 1000)
    expect(truncated).toBe(false)
    expect(paths).toContain('.env')
    expect(paths).toContain('src/index.ts')
    expect(paths).toContain('src/nested/kept.ts')
    expect(paths).toContain('b-link.md')
    for (const p of paths) {
      expect(p).not.toMatch(
        /node_modules|\.git\/|debug\.log|local\/|gen\.ts|hearth-tmp|outside-link|dangling/,
      )
    }
    // Each real folder once: the loop links add no second copy of src/.
    expect(paths.filter((p) => p.endsWith('kept.ts'))).toHaveLength(1)
    expect(paths.indexOf('.env')).toBeLessThan(paths.indexOf('src/index.ts'))
  })

  it('caps the list and says it was truncated', async () => {
    const r = await walkFiles(guard, rules, 3)
    expect(r).toEqual({ paths: ['.env', '.gitignore', 'b-link.md'], truncated: true })
  })

  it('stops when cancelled', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(walkFiles(guard, rules, 100, ac.signal)).rejects.toThrow()
  })

  it.skipIf(process.getuid?.() === 0)(
    'skips unreadable folders (not testable as root: root reads everything)',
    async () => {
      const { paths } = await walkFiles(guard, rules, 1000)
      expect(paths).not.toContain('locked/hidden.ts')
    },
  )
})

describe('naturalCompare', () => {
  it('orders numbers by value and ignores case', () => {
    expect(['a10', 'a2', 'B1', 'a1'].sort(naturalCompare)).toEqual(['a1', 'a2', 'a10', 'B1'])
  })
})
