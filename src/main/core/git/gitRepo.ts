import { HearthError } from '@shared/errors'
import type { GitRepoStatus, GitStatus } from '@shared/contract/git'
import { gitMessage, NO_GIT, plainLines, runGit, runGitBytes } from './gitRunner'
import { parsePorcelainV2 } from './porcelainV2'

/** Where the workspace sits in its repository. */
export interface RepoInfo {
  /** The workspace folder (every git call runs there). */
  root: string
  /** The repository's `.git` folder (or a worktree's), absolute: watched for HEAD/index changes. */
  gitDir: string
  /** The workspace's path inside the repository, '' or 'sub/dir/'. */
  prefix: string
}

export type Discovery = { kind: 'repo'; repo: RepoInfo } | { kind: 'none'; status: GitStatus }

/** Finds the repository holding `root`, or says why there is none in words for the view. */
export async function discover(root: string, signal?: AbortSignal): Promise<Discovery> {
  try {
    const out = await runGit(root, ['rev-parse', '--absolute-git-dir', '--show-prefix'], {
      kind: 'read',
      ...(signal ? { signal } : {}),
    })
    const [gitDir = '', prefix = ''] = out.split('\n')
    return { kind: 'repo', repo: { root, gitDir, prefix } }
  } catch (err) {
    return { kind: 'none', status: noRepoStatus(err) }
  }
}

/** A failure as the view's state: no git, no repository, or git refusing the folder. */
export function noRepoStatus(err: unknown): GitStatus {
  const git = err instanceof HearthError ? err.details?.git : undefined
  if (git === 'notRepo') return { state: 'notRepo', message: 'This folder is not a git repository.' }
  if (git === 'missing') return { state: 'unavailable', message: NO_GIT }
  return {
    state: 'unavailable',
    message: err instanceof Error ? err.message : 'git could not read this folder.',
  }
}

/**
 * Every filter driver the repository's config (or the user's) names, each switched off for a
 * read: `filter.<name>.clean` would otherwise run on `git status` for a file whose stat changed.
 * A name `-c` cannot express (it holds '=') makes the read refuse rather than run it, and so does
 * a config git cannot list (only exit 1, no `filter.*` key at all, means none).
 */
export async function filtersOff(root: string): Promise<string[]> {
  let out: string
  try {
    // Exit 1: no such keys (and no output). Any other failure fails closed: a status run without
    // knowing the filters could run one of them.
    out = await runGit(root, ['config', '-z', '--get-regexp', '^filter\\.'], { kind: 'read', okExit: [1] })
  } catch (err) {
    // No git, not a repository, an untrusted folder, a timeout: those already say what to do.
    if (err instanceof HearthError && err.details?.git !== 'failed') throw err
    throw new HearthError(
      'unavailable',
      `git could not read this repository's settings (${plainLines(gitMessage(err), 2)}), so source control is paused. Fix the repository's config, or use git in a terminal.`,
      { git: 'config' },
    )
  }
  const names = new Set<string>()
  for (const entry of out.split('\0')) {
    const key = entry.split('\n')[0] ?? ''
    const m = /^filter\.(.+)\.[^.]+$/s.exec(key)
    if (m?.[1]) names.add(m[1])
  }
  const config: string[] = []
  for (const name of names) {
    if (name.includes('=') || /[\n\0]/.test(name))
      throw new HearthError(
        'forbidden',
        'This repository configures a filter Hearth cannot switch off safely; use git in a terminal.',
      )
    for (const key of ['clean', 'smudge', 'process']) config.push(`filter.${name}.${key}=`)
    config.push(`filter.${name}.required=false`)
  }
  return config
}

/** `git status` of the workspace's part of the repository, capped lists. */
export async function readStatus(repo: RepoInfo, signal?: AbortSignal): Promise<GitRepoStatus> {
  const config = await filtersOff(repo.root)
  const out = await runGit(
    repo.root,
    [
      'status',
      '--porcelain=v2',
      '-z',
      '--branch',
      '--untracked-files=all',
      // A submodule's own status would run with its own config: only its recorded commit counts.
      '--ignore-submodules=dirty',
      '--',
      '.',
    ],
    { kind: 'read', config, ...(signal ? { signal } : {}) },
  )
  return parsePorcelainV2(out, repo.prefix)
}

/** Larger blobs are not shown in the diff editor. */
export const MAX_DIFF_BYTES = 5 * 1024 * 1024

export type BlobText =
  | {
      kind: 'text'
      text: string
      bom: boolean
      /** False: not valid UTF-8, shown with U+FFFD in its place (never to be written back). */
      utf8: boolean
    }
  | { kind: 'absent' }
  | { kind: 'unavailable'; why: string }

/**
 * A file's content at `rev` ('HEAD', or '' for the index) as text. `cat-file blob` prints the
 * stored bytes: no filter, no textconv runs.
 */
export async function blobText(repo: RepoInfo, rev: string, path: string): Promise<BlobText> {
  const spec = `${rev}:${repo.prefix}${path}`
  let size: number
  try {
    size = Number((await runGit(repo.root, ['cat-file', '-s', spec], { kind: 'read' })).trim())
  } catch {
    return { kind: 'absent' } // not in that tree (added, untracked, deleted from the index)
  }
  if (size > MAX_DIFF_BYTES)
    return { kind: 'unavailable', why: `too large to compare here (${(size / 1048576).toFixed(1)} MB)` }
  const bytes = await runGitBytes(repo.root, ['cat-file', 'blob', spec], { kind: 'read' })
  if (bytes.subarray(0, 8000).includes(0)) return { kind: 'unavailable', why: 'a binary file' }
  let text: string
  let utf8 = true
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    // Still shown (the diff is for reading), but a hunk staged from it would store U+FFFD.
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
    utf8 = false
  }
  const bom = text.startsWith('\uFEFF')
  return { kind: 'text', text: bom ? text.slice(1) : text, bom, utf8 }
}

/** Whether HEAD names a commit (false on a branch with no commit yet). */
export async function hasHead(repo: RepoInfo): Promise<boolean> {
  try {
    await runGit(repo.root, ['rev-parse', '--verify', '-q', 'HEAD'], { kind: 'read' })
    return true
  } catch {
    return false
  }
}

/** Workspace paths of what is staged (any number; used to refuse an empty commit). */
export async function stagedCount(repo: RepoInfo): Promise<number> {
  const args = (await hasHead(repo))
    ? ['diff', '--cached', '--name-only', '-z', '--no-ext-diff', '--no-renames', '--', '.']
    : ['ls-files', '-z', '--', '.']
  const out = await runGit(repo.root, args, { kind: 'read' })
  return out.split('\0').filter((p) => p !== '').length
}
