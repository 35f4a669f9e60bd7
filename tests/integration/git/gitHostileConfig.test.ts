import { chmod, mkdir, utimes, writeFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { GitService } from '../../../src/main/core/git/gitService'
import { git, listed, makeRepo, removeDir, repoStatus, tempDir } from './gitRepoHelpers'

/**
 * A folder the user merely opens (an unpacked archive, someone's clone) must not run programs its
 * `.git/config` names: the view's own reads (status on open and on every change, the diff texts,
 * the branch list) run with fsmonitor, filters, textconv, external diff, pager and hooks off.
 */
describe('a hostile .git/config', () => {
  const dirs: string[] = []
  afterEach(async () => {
    for (const d of dirs.splice(0)) await removeDir(d)
  })

  it('runs nothing when the view reads status, diffs and branches', async () => {
    const root = await makeRepo({ 'a.txt': 'one\n', '.gitattributes': '* filter=evil diff=evil\n' })
    const outside = await tempDir('hearth-evil-')
    dirs.push(root, outside)
    const marker = join(outside, 'ran')
    const script = join(outside, 'evil.sh')
    await writeFile(script, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n`)
    await chmod(script, 0o755)
    for (const [key, value] of [
      ['core.fsmonitor', script],
      ['filter.evil.clean', script],
      ['filter.evil.smudge', script],
      ['filter.evil.process', script],
      ['filter.evil.required', 'true'],
      ['diff.evil.textconv', script],
      ['diff.external', script],
      ['core.pager', script],
      ['core.hooksPath', outside],
    ])
      git(root, 'config', key!, value!)
    await writeFile(join(outside, 'pre-commit'), `#!/bin/sh\necho hook >> '${marker}'\n`)
    await chmod(join(outside, 'pre-commit'), 0o755)

    // A changed file (its stat differs from the index's: git must hash it, through the filter).
    await writeFile(join(root, 'a.txt'), 'two\n')
    const past = new Date(Date.now() - 60_000)
    await utimes(join(root, '.gitattributes'), past, past)

    const svc = new GitService({ emit: () => undefined })
    svc.open(root, null)
    try {
      const st = repoStatus(await svc.status())
      expect(listed(st.unstaged)).toEqual(['M a.txt'])
      expect(await svc.diff('a.txt', false)).toMatchObject({ original: 'one\n' })
      expect((await svc.branches()).branches.map((b) => b.name)).toEqual(['main'])
      expect(existsSync(marker)).toBe(false)
    } finally {
      svc.dispose()
    }

    // The trap is armed: the same status from a plain git runs the script (and fails on it).
    try {
      git(root, 'status', '--porcelain')
    } catch {
      // the script is no real filter process
    }
    expect(existsSync(marker)).toBe(true)
  })

  it('refuses the automatic status when the filter list cannot be read (fails closed)', async () => {
    const root = await makeRepo({ 'a.txt': 'one\n', '.gitattributes': '* filter=evil\n' })
    const outside = await tempDir('hearth-evil-')
    dirs.push(root, outside)
    const marker = join(outside, 'ran')
    const script = join(outside, 'evil.sh')
    await writeFile(script, `#!/bin/sh\necho ran >> '${marker}'\ncat\n`)
    await chmod(script, 0o755)
    git(root, 'config', 'filter.evil.clean', script)
    await writeFile(join(root, 'a.txt'), 'two\n')
    const past = new Date(Date.now() - 60_000)
    await utimes(join(root, '.gitattributes'), past, past)

    // A git whose `config` fails (an unreadable included file, a crash): with and without words
    // on stderr. Every other command is the real git.
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
    const bin = join(outside, 'bin')
    await mkdir(bin)
    await writeFile(
      join(bin, 'git'),
      `#!/bin/sh\nfor a in "$@"; do\n  if [ "$a" = config ]; then\n    [ -n "$FAKE_CONFIG_SAYS" ] && echo "$FAKE_CONFIG_SAYS" >&2\n    exit "$FAKE_CONFIG_EXIT"\n  fi\ndone\nexec '${realGit}' "$@"\n`,
    )
    await chmod(join(bin, 'git'), 0o755)
    const saved = {
      PATH: process.env.PATH,
      exit: process.env.FAKE_CONFIG_EXIT,
      says: process.env.FAKE_CONFIG_SAYS,
    }
    process.env.PATH = `${bin}:${saved.PATH ?? ''}`
    try {
      for (const [exit, says] of [
        ['128', 'fatal: bad config line 1 in file .git/config'],
        ['3', ''],
      ] as const) {
        process.env.FAKE_CONFIG_EXIT = exit
        process.env.FAKE_CONFIG_SAYS = says
        const svc = new GitService({ emit: () => undefined })
        svc.open(root, null)
        try {
          const st = await svc.status()
          expect(st.state).toBe('unavailable')
          expect(st.state === 'unavailable' && st.message).toMatch(
            /could not read this repository's settings/i,
          )
        } finally {
          svc.dispose()
        }
        expect(existsSync(marker)).toBe(false)
      }
      // Exit 1 (no filter.* keys at all) is no filter: status runs.
      git(root, 'config', '--unset', 'filter.evil.clean')
      process.env.FAKE_CONFIG_EXIT = '1'
      process.env.FAKE_CONFIG_SAYS = ''
      const svc = new GitService({ emit: () => undefined })
      svc.open(root, null)
      try {
        expect(listed(repoStatus(await svc.status()).unstaged)).toEqual(['M a.txt'])
      } finally {
        svc.dispose()
      }
    } finally {
      process.env.PATH = saved.PATH
      if (saved.exit === undefined) delete process.env.FAKE_CONFIG_EXIT
      else process.env.FAKE_CONFIG_EXIT = saved.exit
      if (saved.says === undefined) delete process.env.FAKE_CONFIG_SAYS
      else process.env.FAKE_CONFIG_SAYS = saved.says
    }
  })
})
