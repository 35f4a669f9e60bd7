import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { GitStatus } from '../../../src/shared/contract/git'
import { HearthError } from '../../../src/shared/errors'
import { GitService } from '../../../src/main/core/git/gitService'
import { git, listed, makeRepo, put, removeDir, repoStatus, tempDir } from './gitRepoHelpers'

/** Real repositories in temp folders, the real git. */
describe('GitService', () => {
  const cleanup: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c()
  })

  async function serviceOn(root: string): Promise<{ svc: GitService; sent: GitStatus[] }> {
    const sent: GitStatus[] = []
    const svc = new GitService({ emit: (s) => sent.push(s), debounceMs: 50, maxWaitMs: 200 })
    cleanup.push(
      () => svc.dispose(),
      () => removeDir(root),
    )
    svc.open(root, null)
    await svc.status()
    return { svc, sent }
  }

  it('lists modified, untracked, staged, deleted and renamed files', async () => {
    const root = await makeRepo({
      'a.txt': 'a\n',
      'b.txt': 'b\n',
      'c.txt': 'c\n',
      'old.txt': 'old\n',
      'sub/d.txt': 'd\n',
    })
    await writeFile(join(root, 'a.txt'), 'a changed\n')
    await put(root, { 'new file.txt': 'new\n', 'sub/new.ts': 'x\n' })
    await writeFile(join(root, 'b.txt'), 'b staged\n')
    git(root, 'add', 'b.txt')
    await rm(join(root, 'c.txt'))
    await rename(join(root, 'old.txt'), join(root, 'renamed.txt'))
    git(root, 'add', '-A', 'old.txt', 'renamed.txt')
    const { svc, sent } = await serviceOn(root)
    const st = repoStatus(await svc.status())
    expect(st.branch).toBe('main')
    expect(st.head).toMatch(/^[0-9a-f]{7}$/)
    expect(listed(st.staged)).toEqual(['M b.txt', 'R old.txt -> renamed.txt'])
    expect(listed(st.unstaged)).toEqual(['? new file.txt', '? sub/new.ts', 'D c.txt', 'M a.txt'])
    expect(st.conflicts.changes).toEqual([])
    // The open's own refresh was announced once; an unchanged status is not sent again.
    expect(sent).toHaveLength(1)
  })

  it('gives the diff texts: index ↔ working tree, HEAD ↔ index', async () => {
    const root = await makeRepo({ 'a.txt': 'one\ntwo\n' })
    await writeFile(join(root, 'a.txt'), 'one\nTWO\n')
    git(root, 'add', 'a.txt')
    await writeFile(join(root, 'a.txt'), 'one\nTWO\nthree\n')
    await put(root, { 'u.txt': 'untracked\n' })
    const { svc } = await serviceOn(root)
    const work = await svc.diff('a.txt', false)
    expect(work).toMatchObject({
      original: 'one\nTWO\n',
      originalLabel: 'Index',
      modifiedLabel: 'Working Tree',
    })
    expect(work.modified).toBeUndefined()
    const staged = await svc.diff('a.txt', true)
    expect(staged).toMatchObject({ original: 'one\ntwo\n', modified: 'one\nTWO\n', originalLabel: 'HEAD' })
    expect((await svc.diff('u.txt', false)).original).toBe('')
    await writeFile(join(root, 'bin.dat'), Buffer.from([0, 1, 2, 3]))
    git(root, 'add', 'bin.dat')
    expect((await svc.diff('bin.dat', true)).unavailable).toMatch(/binary/)
  })

  it('stages and unstages files (a rename as a whole), then commits with a message', async () => {
    const root = await makeRepo({ 'a.txt': 'a\n', 'old.txt': 'old\n' })
    await writeFile(join(root, 'a.txt'), 'a2\n')
    await rename(join(root, 'old.txt'), join(root, 'new.txt'))
    await put(root, { 'n*.txt': 'a star is a name, not a pattern\n' })
    const { svc } = await serviceOn(root)
    let st = repoStatus(await svc.stage(['a.txt', 'n*.txt']))
    expect(listed(st.staged)).toEqual(['A n*.txt', 'M a.txt'])
    st = repoStatus(await svc.stage(['old.txt', 'new.txt']))
    expect(listed(st.staged)).toContain('R old.txt -> new.txt')
    st = repoStatus(await svc.unstage(['new.txt']))
    expect(listed(st.staged)).toEqual(['A n*.txt', 'M a.txt'])
    expect(listed(st.unstaged)).toEqual(['? new.txt', 'D old.txt'])
    st = repoStatus(await svc.unstage([], true))
    expect(st.staged.changes).toEqual([])
    await svc.stage(['a.txt'])
    const done = await svc.commit('Change a\n\nwith a body')
    expect(done.summary).toBe('Change a')
    expect(git(root, 'log', '-1', '--format=%B').trim()).toBe('Change a\n\nwith a body')
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('a.txt')
    expect(repoStatus(done.status).staged.changes).toEqual([])
  })

  it('stages and unstages one hunk: the index takes the text the view computed', async () => {
    const top = await makeRepo({ 'app/a.txt': 'one\ntwo\nthree\n' })
    await writeFile(join(top, 'app/a.txt'), 'ONE\ntwo\nthree\nfour\n')
    const { svc } = await serviceOn(join(top, 'app'))
    cleanup.push(() => removeDir(top))
    // Stage only the first line's change.
    let st = repoStatus(await svc.stageText('a.txt', 'ONE\ntwo\nthree\n', 'one\ntwo\nthree\n'))
    expect(git(top, 'show', ':app/a.txt')).toBe('ONE\ntwo\nthree\n')
    expect(listed(st.staged)).toEqual(['M a.txt'])
    expect(listed(st.unstaged)).toEqual(['M a.txt'])
    // A view that computed from an older index is refused.
    await expect(svc.stageText('a.txt', 'x\n', 'one\ntwo\nthree\n')).rejects.toThrow(/changed meanwhile/)
    // Unstage it again: the index back to HEAD's text.
    st = repoStatus(await svc.stageText('a.txt', 'one\ntwo\nthree\n', 'ONE\ntwo\nthree\n'))
    expect(st.staged.changes).toEqual([])
  })

  it('refuses an empty message, and nothing staged until asked to stage all', async () => {
    const root = await makeRepo({ 'a.txt': 'a\n' })
    const { svc } = await serviceOn(root)
    await expect(svc.commit('   ')).rejects.toThrow(/Write a commit message/)
    await expect(svc.commit('nothing')).rejects.toThrow(/nothing to commit/)
    await writeFile(join(root, 'a.txt'), 'a2\n')
    const err = await svc.commit('x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HearthError)
    expect((err as HearthError).details).toMatchObject({ nothingStaged: true, changes: 1 })
    const done = await svc.commit('all of it', true)
    expect(done.summary).toBe('all of it')
    expect(git(root, 'status', '--porcelain')).toBe('')
  })

  it("runs the repository's own commit hooks, and says what a failing one said", async () => {
    const root = await makeRepo({ 'a.txt': 'a\n' })
    const hook = join(root, '.git/hooks/pre-commit')
    await writeFile(hook, '#!/bin/sh\necho "lint: a.txt has a TODO" >&2\nexit 1\n')
    await chmod(hook, 0o755)
    const { svc } = await serviceOn(root)
    await writeFile(join(root, 'a.txt'), 'TODO\n')
    await expect(svc.commit('blocked', true)).rejects.toThrow('git did not commit: lint: a.txt has a TODO')
    await writeFile(hook, `#!/bin/sh\ntouch '${join(root, '.git/hook-ran')}'\n`)
    await svc.commit('allowed')
    expect(git(root, 'log', '-1', '--format=%s').trim()).toBe('allowed')
    await expect(readFile(join(root, '.git/hook-ran'), 'utf8')).resolves.toBe('')
  })

  it('says how to set a missing author identity', async () => {
    const root = await makeRepo({ 'a.txt': 'a\n' })
    git(root, 'config', '--unset', 'user.name')
    git(root, 'config', '--unset', 'user.email')
    git(root, 'config', 'user.useConfigOnly', 'true')
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME }
    const home = await tempDir('hearth-home-')
    process.env.HOME = home
    process.env.XDG_CONFIG_HOME = home
    cleanup.push(async () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
      await removeDir(home)
    })
    const { svc } = await serviceOn(root)
    await writeFile(join(root, 'a.txt'), 'a2\n')
    await expect(svc.commit('x', true)).rejects.toThrow(/git config --global user.name/)
  })

  it('switches and creates branches; a dirty tree that blocks it gets git’s reason in words', async () => {
    const root = await makeRepo({ 'a.txt': 'main\n' })
    const { svc } = await serviceOn(root)
    repoStatus(await svc.checkout('feature', true))
    await writeFile(join(root, 'a.txt'), 'feature\n')
    await svc.commit('feature change', true)
    let st = repoStatus(await svc.checkout('main'))
    expect(st.branch).toBe('main')
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('main\n')
    const { branches } = await svc.branches()
    expect(branches.map((b) => `${b.current ? '*' : ' '}${b.name}`).sort()).toEqual([' feature', '*main'])
    await writeFile(join(root, 'a.txt'), 'dirty\n')
    await expect(svc.checkout('feature')).rejects.toThrow(
      /Cannot switch to feature: it would overwrite your changes to a\.txt\. Commit or stash them first\./,
    )
    await expect(svc.checkout('feature', true)).rejects.toThrow(/already exists/)
    await expect(svc.checkout('bad name', true)).rejects.toThrow(/not a valid branch name/)
    await expect(svc.checkout('nope')).rejects.toThrow(/There is no branch named nope/)
    git(root, 'checkout', '-q', '--detach', 'HEAD')
    st = repoStatus(await svc.status())
    expect(st.branch).toBeNull()
    expect(st.head).toMatch(/^[0-9a-f]{7}$/)
  })

  it('follows a commit and a switch made in a terminal (HEAD and index watched)', async () => {
    const root = await makeRepo({ 'a.txt': 'a\n' })
    const { sent } = await serviceOn(root)
    await writeFile(join(root, 'a.txt'), 'b\n')
    git(root, 'add', 'a.txt') // no watcher given: only .git/index says something changed
    await expect
      .poll(() => sent.at(-1)?.state === 'repo' && listed(repoStatus(sent.at(-1)!).staged))
      .toEqual(['M a.txt'])
    git(root, 'checkout', '-q', '-b', 'other')
    await expect.poll(() => (sent.at(-1) as { branch?: string }).branch).toBe('other')
  })

  it('sees only the workspace’s part of a larger repository, with workspace paths', async () => {
    const top = await makeRepo({ 'outside.txt': 'o\n', 'app/in.txt': 'i\n' })
    await writeFile(join(top, 'outside.txt'), 'changed\n')
    await writeFile(join(top, 'app/in.txt'), 'changed\n')
    const { svc } = await serviceOn(join(top, 'app'))
    cleanup.push(() => removeDir(top))
    const st = repoStatus(await svc.status())
    expect(listed(st.unstaged)).toEqual(['M in.txt'])
    expect((await svc.diff('in.txt', false)).original).toBe('i\n')
    expect(listed(repoStatus(await svc.stage(['in.txt'])).staged)).toEqual(['M in.txt'])
  })

  it('not a repository: says so, and Initialize makes one', async () => {
    const root = await tempDir()
    await put(root, { 'a.txt': 'a\n' })
    const { svc } = await serviceOn(root)
    expect(await svc.status()).toEqual({ state: 'notRepo', message: 'This folder is not a git repository.' })
    await expect(svc.stage(['a.txt'])).rejects.toThrow(/not a git repository/)
    const st = repoStatus(await svc.init())
    expect(st.head).toBeNull()
    expect(listed(st.unstaged)).toEqual(['? a.txt'])
    // Unstaging before the first commit (no HEAD yet) works too.
    expect(listed(repoStatus(await svc.stage(['a.txt'])).staged)).toEqual(['A a.txt'])
    expect(repoStatus(await svc.unstage(['a.txt'])).staged.changes).toEqual([])
  })

  it('no git on PATH: a clear message, nothing thrown at the view', async () => {
    const root = await makeRepo({ 'a.txt': 'a\n' })
    const savedPath = process.env.PATH
    process.env.PATH = await tempDir('hearth-empty-path-')
    cleanup.push(() => {
      process.env.PATH = savedPath
    })
    const sent: GitStatus[] = []
    const svc = new GitService({ emit: (s) => sent.push(s) })
    cleanup.push(
      () => svc.dispose(),
      () => removeDir(root),
    )
    svc.open(root, null)
    const st = await svc.status()
    expect(st.state).toBe('unavailable')
    expect(st.state === 'unavailable' && st.message).toMatch(/git is not installed/)
  })

  it('caps long lists and counts the rest', async () => {
    const root = await makeRepo({ 'a.txt': 'a\n' })
    const many: Record<string, string> = {}
    for (let i = 0; i < 2_100; i++) many[`many/f${i}.txt`] = `${i}\n`
    await put(root, many)
    const { svc } = await serviceOn(root)
    const st = repoStatus(await svc.status())
    expect(st.unstaged.changes).toHaveLength(2_000)
    expect(st.unstaged.more).toBe(100)
    expect(repoStatus(await svc.stage([], true)).staged.more).toBe(100)
  })
})
