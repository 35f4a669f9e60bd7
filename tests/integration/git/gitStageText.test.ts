import { execFileSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { GitService } from '../../../src/main/core/git/gitService'
import { git, GIT_ENV, makeRepo, removeDir } from './gitRepoHelpers'

/** One hunk staged the way the diff view does it, against the real index. */
describe('staging one hunk', () => {
  const cleanup: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c()
  })

  async function serviceOn(root: string): Promise<GitService> {
    const svc = new GitService({ emit: () => undefined })
    cleanup.push(
      () => removeDir(root),
      () => svc.dispose(),
    )
    svc.open(root, null)
    await svc.status()
    return svc
  }

  it('refuses an index copy that is not UTF-8, rather than write U+FFFD back', async () => {
    const root = await makeRepo({ 'a.txt': 'x\n' })
    const latin1 = Buffer.from('caf\xe9\nsecond\n', 'latin1')
    await writeFile(join(root, 'a.txt'), latin1)
    git(root, 'add', 'a.txt')
    const svc = await serviceOn(root)
    const diff = await svc.diff('a.txt', true)
    // What the view read (decoded as it could) is what it hands back as the base.
    await expect(
      svc.stageText('a.txt', diff.modified!.replace('second', 'SECOND'), diff.modified!),
    ).rejects.toThrow(/a\.txt is not UTF-8 text in the index: stage the whole file/)
    expect(execFileSync('git', ['show', ':a.txt'], { cwd: root, env: GIT_ENV })).toEqual(latin1)
  })

  it('a CRLF working file, an LF index (core.autocrlf): the view sees LF on the index side, and the hunk it stages is stored as given', async () => {
    const root = await makeRepo({ 'a.txt': 'one\ntwo\nthree\n' })
    git(root, 'config', 'core.autocrlf', 'true')
    await writeFile(join(root, 'a.txt'), 'ONE\r\ntwo\r\nthree\r\nfour\r\n')
    const svc = await serviceOn(root)
    // The index side has LF: hunkText (its unit test) gives a hunk of the CRLF file LF lines.
    const index = (await svc.diff('a.txt', false)).original
    expect(index).toBe('one\ntwo\nthree\n')
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toContain('\r\n')
    await svc.stageText('a.txt', 'ONE\ntwo\nthree\n', index)
    await svc.commit('first line')
    expect(execFileSync('git', ['show', 'HEAD:a.txt'], { cwd: root, env: GIT_ENV }).toString('latin1')).toBe(
      'ONE\ntwo\nthree\n',
    )
    // The rest, staged by git itself, is LF as well: what a staged hunk must match.
    git(root, 'add', 'a.txt')
    expect(git(root, 'show', ':a.txt')).toBe('ONE\ntwo\nthree\nfour\n')
  })
})
