import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { GitRepoStatus, GitStatus } from '../../../src/shared/contract/git'

/** The tests' own git runs: a fixed identity, no user or system config. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

export async function tempDir(prefix = 'hearth-git-'): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), prefix)))
}

export async function put(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  }
}

/** A repository on `main` with one commit of `files`. */
export async function makeRepo(files: Record<string, string>): Promise<string> {
  const root = await tempDir()
  git(root, 'init', '-q', '-b', 'main')
  git(root, 'config', 'user.name', 'Test')
  git(root, 'config', 'user.email', 'test@example.com')
  await put(root, files)
  git(root, 'add', '-A')
  git(root, 'commit', '-q', '-m', 'first')
  return root
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

export function repoStatus(st: GitStatus): GitRepoStatus {
  if (st.state !== 'repo') throw new Error(`expected a repository, got ${st.state}: ${st.message}`)
  return st
}

/** `kind path` of each change, sorted, for compact assertions. */
export function listed(group: GitRepoStatus['staged']): string[] {
  return group.changes.map((c) => `${c.kind} ${c.origPath ? `${c.origPath} -> ` : ''}${c.path}`).sort()
}
