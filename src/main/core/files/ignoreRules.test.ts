import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { IgnoreRules } from './ignoreRules'
import { walkWorkspace } from './walkWorkspace'

describe('IgnoreRules', () => {
  const root = mkdtempSync(join(tmpdir(), 'hearth-ign-'))
  writeFileSync(join(root, '.gitignore'), '*.log\n/tmp/\nsecret.txt\n')
  mkdirSync(join(root, 'pkg', 'gen'), { recursive: true })
  writeFileSync(join(root, 'pkg', '.gitignore'), 'gen/\n!keep.log\n')
  const rules = new IgnoreRules(root)

  it.each([
    ['node_modules/x/index.js', false, true],
    ['src/.git/config', false, true],
    ['a.log', false, true],
    ['src/deep/a.log', false, true],
    ['tmp', true, true],
    ['src/tmp', true, false],
    ['secret.txt', false, true],
    ['pkg/gen', true, true],
    ['pkg/gen/x.ts', false, true],
    ['gen/x.ts', false, false],
    ['pkg/src/x.ts', false, false],
    ['pkg/keep.log', false, false],
    ['README.md', false, false],
  ])('%s (dir=%s) ignored=%s', (rel, isDir, expected) => {
    expect(rules.isIgnored(rel, isDir)).toBe(expected)
  })
})

/** A workspace with its own git repository; `tracked` files are committed, the rest are not. */
function gitWorkspace(files: Record<string, string>, tracked: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'hearth-ign-git-'))
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
  const git = (...args: string[]): void => {
    execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' })
  }
  git('init', '-q')
  git('add', '-f', '--', ...tracked)
  return root
}

describe('IgnoreRules with git, .hearthignore and the exclude setting', () => {
  const files = {
    'build/electron-builder.yml': 'appId: x\n',
    'dist/bundle.js': 'x()\n',
    'pkg/out/gen.ts': 'export {}\n',
    'pkg/node_modules/dep/index.js': '1\n',
    'src/a.ts': 'export const a = 1\n',
    'src/a.gen.ts': 'export const g = 1\n',
    'fixtures/big.json': '{}\n',
    'logs/x.log': 'log\n',
    'logs/keep.log': 'log\n',
  }

  it('leaves out a default-named folder only where git does not track it', async () => {
    const root = gitWorkspace(files, ['build/electron-builder.yml', 'pkg/out/gen.ts', 'src/a.ts'])
    const rules = new IgnoreRules(root)
    await rules.prepare()
    expect(rules.verdict('build', true)).toBeNull()
    expect(rules.verdict('build/electron-builder.yml', false)).toBeNull()
    expect(rules.verdict('pkg/out/gen.ts', false)).toBeNull()
    expect(rules.verdict('dist', true)?.reason).toBe('ignored by default (dist, not tracked by git)')
    expect(rules.isIgnored('dist/bundle.js', false)).toBe(true)
    expect(rules.isIgnored('pkg/node_modules/dep/index.js', false)).toBe(true)
    // VCS metadata: out, but never worth a line in the summary.
    expect(rules.verdict('.git', true)?.quiet).toBe(true)
  })

  it('asks git again when an ignore file changes, in the background: the old answer until the new lands', async () => {
    const root = gitWorkspace(files, ['src/a.ts'])
    const rules = new IgnoreRules(root)
    await rules.prepare()
    let changes = 0
    rules.onTrackedChange(() => changes++)
    expect(rules.isIgnored('dist/bundle.js', false)).toBe(true)
    execFileSync('git', ['-C', root, 'add', '-f', 'dist'], { stdio: 'ignore' })
    rules.invalidate('')
    // A check right after answers at once, from the previous answer: git (a separate process
    // that takes milliseconds at best) cannot have answered a synchronous call yet.
    expect(rules.isIgnored('dist/bundle.js', false)).toBe(true)
    expect(changes).toBe(0)
    await rules.prepare()
    expect(rules.isIgnored('dist/bundle.js', false)).toBe(false)
    expect(changes).toBe(1)
    // The same answer again: nothing to re-apply.
    rules.invalidate('')
    await rules.prepare()
    expect(changes).toBe(1)
  })

  it('a check before prepare() applies every default, then says when git answered otherwise', async () => {
    const root = gitWorkspace(files, ['build/electron-builder.yml'])
    const rules = new IgnoreRules(root)
    const changed = new Promise<void>((resolve) => rules.onTrackedChange(resolve))
    expect(rules.isIgnored('build/electron-builder.yml', false)).toBe(true)
    await changed
    expect(rules.isIgnored('build/electron-builder.yml', false)).toBe(false)
    expect(rules.isIgnored('dist/bundle.js', false)).toBe(true)
  })

  it('a burst of invalidations runs git at most twice (one running, one after it)', async () => {
    const root = gitWorkspace(files, ['src/a.ts'])
    // A real git behind a wrapper that counts its runs (and is slow enough for them to overlap).
    const bin = mkdtempSync(join(tmpdir(), 'hearth-ign-bin-'))
    const count = join(bin, 'count')
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho run >> '${count}'\nsleep 0.2\nexec '${realGit}' "$@"\n`)
    chmodSync(join(bin, 'git'), 0o755)
    const saved = process.env.PATH
    process.env.PATH = `${bin}:${saved ?? ''}`
    try {
      const rules = new IgnoreRules(root)
      await rules.prepare()
      const runs = (): number => (existsSync(count) ? readFileSync(count, 'utf8').split('\n').length - 1 : 0)
      expect(runs()).toBe(1)
      execFileSync(realGit, ['-C', root, 'add', '-f', 'dist'], { stdio: 'ignore' })
      for (let i = 0; i < 50; i++) {
        rules.invalidate(i % 2 ? '' : 'pkg')
        expect(rules.isIgnored('dist/bundle.js', false)).toBe(true)
      }
      await rules.prepare()
      expect(runs()).toBe(3)
      expect(rules.isIgnored('dist/bundle.js', false)).toBe(false)
    } finally {
      process.env.PATH = saved
    }
  })

  it("never runs a command the repository's config names (core.fsmonitor, hooks)", async () => {
    const root = gitWorkspace(files, ['build/electron-builder.yml'])
    const outside = mkdtempSync(join(tmpdir(), 'hearth-ign-fsmonitor-'))
    const marker = join(outside, 'ran')
    const script = join(outside, 'fsmonitor.sh')
    writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\n`)
    chmodSync(script, 0o755)
    execFileSync('git', ['-C', root, 'config', 'core.fsmonitor', script])
    execFileSync('git', ['-C', root, 'config', 'core.hooksPath', outside])
    // The trap is live: plain git runs it.
    execFileSync('git', ['-C', root, 'ls-files'], { stdio: 'ignore' })
    expect(existsSync(marker)).toBe(true)
    execFileSync('rm', ['-f', marker])
    const rules = new IgnoreRules(root)
    await rules.prepare()
    rules.invalidate()
    await rules.prepare()
    expect(rules.isIgnored('build/electron-builder.yml', false)).toBe(false)
    expect(existsSync(marker)).toBe(false)
  })

  it('the same answers after prepare() (git asked without blocking)', async () => {
    const root = gitWorkspace(files, ['build/electron-builder.yml'])
    const rules = new IgnoreRules(root)
    await rules.prepare()
    expect(rules.isIgnored('build/electron-builder.yml', false)).toBe(false)
    expect(rules.isIgnored('dist/bundle.js', false)).toBe(true)
  })

  it('without git or outside a repository every default applies', () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-ign-nogit-'))
    mkdirSync(join(root, 'build'))
    writeFileSync(join(root, 'build', 'x.ts'), '')
    expect(new IgnoreRules(root).verdict('build/x.ts', false)?.reason).toBe(
      'ignored by default (build, not tracked by git)',
    )
    // A PATH without git at all.
    const saved = process.env.PATH
    process.env.PATH = join(root, 'no-such-bin')
    try {
      expect(new IgnoreRules(root).isIgnored('build/x.ts', false)).toBe(true)
      expect(new IgnoreRules(root).isIgnored('src/x.ts', false)).toBe(false)
    } finally {
      process.env.PATH = saved
    }
  })

  it('.gitignore (nested too) and .hearthignore decide, with the pattern as the reason', () => {
    const root = gitWorkspace(
      {
        ...files,
        '.gitignore': '*.log\n',
        'logs/.gitignore': '!keep.log\n',
        '.hearthignore': 'fixtures/\n!dist/\n',
      },
      ['src/a.ts'],
    )
    const rules = new IgnoreRules(root)
    expect(rules.verdict('logs/x.log', false)?.reason).toBe('ignored by .gitignore (*.log)')
    expect(rules.verdict('logs/keep.log', false)).toBeNull()
    expect(rules.verdict('fixtures', true)?.reason).toBe('ignored by .hearthignore (fixtures/)')
    expect(rules.isIgnored('fixtures/big.json', false)).toBe(true)
    // `!dist/` in .hearthignore brings back what the defaults would leave out.
    expect(rules.verdict('dist/bundle.js', false)).toBeNull()
    writeFileSync(join(root, 'pkg', '.gitignore'), 'gen.ts\n')
    expect(rules.isIgnored('pkg/out/gen.ts', false)).toBe(true) // pkg/out is untracked anyway
    rules.invalidate('pkg')
    expect(rules.verdict('pkg/out', true)?.reason).toBe('ignored by default (out, not tracked by git)')
  })

  it('the exclude setting leaves out what its globs match, and follows the setting', () => {
    const root = gitWorkspace(files, ['src/a.ts', 'src/a.gen.ts'])
    let globs: string[] = ['*.gen.ts']
    const rules = new IgnoreRules(root, { excludes: () => globs })
    expect(rules.verdict('src/a.gen.ts', false)?.reason).toBe('ignored by setting index.exclude (*.gen.ts)')
    expect(rules.isIgnored('src/a.ts', false)).toBe(false)
    globs = ['src/']
    expect(rules.isIgnored('src/a.gen.ts', false)).toBe(true)
    expect(rules.verdict('src', true)?.reason).toBe('ignored by setting index.exclude (src/)')
    globs = []
    expect(rules.isIgnored('src/a.gen.ts', false)).toBe(false)
  })

  it('the walk lists what the rules left out, once per folder, with the rule', async () => {
    const root = gitWorkspace({ ...files, '.gitignore': '*.log\n' }, ['build/electron-builder.yml'])
    const rules = new IgnoreRules(root)
    await rules.prepare()
    const { files: found, skipped } = await walkWorkspace(root, rules)
    const paths = found.map((f) => f.path)
    expect(paths).toContain('build/electron-builder.yml')
    expect(paths).not.toContain('dist/bundle.js')
    expect(skipped).toEqual(
      expect.arrayContaining([
        { path: 'dist', reason: 'ignored by default (dist, not tracked by git)' },
        { path: 'logs/x.log', reason: 'ignored by .gitignore (*.log)' },
        { path: 'pkg/node_modules', reason: 'ignored by default (node_modules, not tracked by git)' },
      ]),
    )
    expect(skipped.map((s) => s.path)).not.toContain('.git')
    expect(skipped.map((s) => s.path)).not.toContain('dist/bundle.js')
  })
})
