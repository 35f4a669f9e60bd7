import { chmod, utimes, writeFile } from 'node:fs/promises'
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
})
