import { describe, expect, it } from 'vitest'
import type { GitRepoStatus } from '@shared/contract/git'
import { decorationsFor } from './gitDecorations'

const status = (over: Partial<GitRepoStatus>): GitRepoStatus => ({
  state: 'repo',
  branch: 'main',
  head: 'abc1234',
  staged: { changes: [], more: 0 },
  unstaged: { changes: [], more: 0 },
  conflicts: { changes: [], more: 0 },
  ...over,
})

describe('decorationsFor', () => {
  it('marks files with VS Code letters and their folders with the strongest tone', () => {
    const d = decorationsFor(
      status({
        staged: {
          changes: [
            { path: 'src/a.ts', kind: 'A' },
            { path: 'src/b.ts', kind: 'M' },
          ],
          more: 0,
        },
        unstaged: {
          changes: [
            { path: 'src/b.ts', kind: 'D' },
            { path: 'src/deep/new.ts', kind: '?' },
            { path: 'gone/x.ts', kind: 'D' },
          ],
          more: 0,
        },
        conflicts: { changes: [{ path: 'lib/c.ts', kind: 'U' }], more: 0 },
      }),
    )
    expect(d.files.get('src/a.ts')).toMatchObject({ letter: 'A', tone: 'added' })
    // The working tree wins over the index: the file is deleted on disk.
    expect(d.files.get('src/b.ts')).toMatchObject({ letter: 'D', tone: 'deleted' })
    expect(d.files.get('src/deep/new.ts')).toMatchObject({ letter: 'U', tone: 'untracked' })
    expect(d.files.get('lib/c.ts')).toMatchObject({ letter: '!', tone: 'conflict' })
    expect(d.folders.get('src')).toBe('added')
    expect(d.folders.get('src/deep')).toBe('untracked')
    expect(d.folders.get('lib')).toBe('conflict')
    expect(d.folders.has('gone')).toBe(false)
  })

  it('nothing outside a repository', () => {
    expect(decorationsFor({ state: 'notRepo', message: 'x' }).files.size).toBe(0)
  })
})
