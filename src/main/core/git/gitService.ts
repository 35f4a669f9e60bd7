import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { GitBranch, GitDiffSides, GitRepoStatus, GitStatus } from '@shared/contract/git'
import { HearthError } from '@shared/errors'
import type { Disposable } from '../base/lifecycle'
import type { ChangeSource } from '../files/watchTypes'
import { branchFailure } from './gitMessages'
import {
  blobText,
  discover,
  hasHead,
  readStatus,
  stagedCount,
  type Discovery,
  type RepoInfo,
} from './gitRepo'
import { gitMessage, plainLines, runGit } from './gitRunner'
import { RefreshScheduler, watchGitDir } from './gitWatch'

export interface GitServiceOptions {
  /** Tells every view the new status (the core's `git.changed` event). Only sent when it changed. */
  emit(status: GitStatus): void
  /** Quiet time after a change before status runs again (a branch switch is one refresh). */
  debounceMs?: number
  /** The longest a stream of changes may hold a refresh back. */
  maxWaitMs?: number
}

const NO_FOLDER: GitStatus = { state: 'unavailable', message: 'Open a folder to use source control.' }
/** Paths per `git add`/`git reset` call, well under any command-line limit. */
const PATHS_PER_CALL = 500
const MAX_BRANCHES = 500

interface Session {
  root: string
  discovery: Discovery | null
  unwatch: (() => void)[]
  /** Stops watching the repository's folder (replaced when the repository is found again). */
  unwatchGitDir?: () => void
}

/**
 * Source control for the open folder through the user's git: status (run at most once at a time,
 * one more queued, however many changes arrive), the texts the diff editor compares, stage,
 * unstage, commit, branches. Refreshes after file changes (the workspace watcher), after changes
 * of `.git/HEAD` and `.git/index` (a commit or switch in a terminal), and after its own actions.
 */
export class GitService implements Disposable {
  private session: Session | null = null
  private running: Promise<GitStatus> | null = null
  private queued: Promise<GitStatus> | null = null
  private lastSent = ''
  private readonly scheduler: RefreshScheduler
  /** User actions (stage, commit, switch…) running now, and whether a refresh waited for them. */
  private acting = 0
  private deferred = false

  constructor(private readonly opts: GitServiceOptions) {
    this.scheduler = new RefreshScheduler(
      () => {
        // A status while the user's own action rewrites the tree would read it half done and
        // compete with git for the disk; the action's own refresh follows it.
        if (this.acting > 0) this.deferred = true
        else void this.status().catch(() => undefined)
      },
      opts.debounceMs ?? 300,
      opts.maxWaitMs ?? 2_000,
    )
  }

  /** A folder opened: forget the last one, follow this one's changes, and report its status. */
  open(root: string, changes: ChangeSource | null): void {
    this.close()
    const s: Session = { root, discovery: null, unwatch: [] }
    this.session = s
    if (changes) s.unwatch.push(changes.onChanges(() => this.scheduler.poke()))
    void this.status().catch(() => undefined)
  }

  close(): void {
    const s = this.session
    this.session = null
    this.scheduler.cancel()
    for (const u of s?.unwatch.splice(0) ?? []) u()
    s?.unwatchGitDir?.()
  }

  dispose(): void {
    this.close()
  }

  /** The status now: a run that starts after this call (joined with others that arrive meanwhile). */
  status(): Promise<GitStatus> {
    if (!this.running) return this.start()
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null
        return this.start()
      })
    return this.queued
  }

  private start(): Promise<GitStatus> {
    const run = this.compute().finally(() => {
      if (this.running === run) this.running = null
    })
    this.running = run
    return run
  }

  private async compute(): Promise<GitStatus> {
    const s = this.session
    if (!s) return this.send(NO_FOLDER)
    // Discovered again while there is no repository, so a `git init` elsewhere is seen.
    if (s.discovery?.kind !== 'repo') {
      const d = await discover(s.root)
      if (this.session !== s) return NO_FOLDER
      s.discovery = d
      s.unwatchGitDir?.()
      s.unwatchGitDir =
        d.kind === 'repo' ? watchGitDir(d.repo.gitDir, () => this.scheduler.poke()) : undefined
    }
    const d = s.discovery
    if (!d || d.kind !== 'repo') return this.sendFor(s, d?.status ?? NO_FOLDER)
    let st: GitStatus
    try {
      st = await readStatus(d.repo)
    } catch (err) {
      const again = await discover(s.root)
      if (this.session !== s) return NO_FOLDER
      if (again.kind === 'none') {
        s.discovery = again // the repository went away (.git deleted)
        return this.sendFor(s, again.status)
      }
      st = { state: 'unavailable', message: err instanceof Error ? err.message : String(err) }
    }
    return this.sendFor(s, st)
  }

  private sendFor(s: Session, st: GitStatus): GitStatus {
    return this.session === s ? this.send(st) : st
  }

  private send(st: GitStatus): GitStatus {
    const key = JSON.stringify(st)
    if (key !== this.lastSent) {
      this.lastSent = key
      this.opts.emit(st)
    }
    return st
  }

  private async repo(): Promise<RepoInfo> {
    const s = this.session
    if (!s) throw new HearthError('unavailable', 'Open a folder to use source control.')
    if (s.discovery?.kind !== 'repo') await this.status()
    const d = s.discovery
    if (d?.kind === 'repo') return d.repo
    const st = d?.status ?? NO_FOLDER
    throw new HearthError('unavailable', st.state === 'repo' ? 'no repository' : st.message)
  }

  async stage(paths: readonly string[], all = false): Promise<GitStatus> {
    const repo = await this.repo()
    if (all) await this.act(repo.root, ['add', '-A', '--', '.'])
    else for (const chunk of chunks(paths)) await this.act(repo.root, ['add', '-A', '--', ...chunk])
    return this.status()
  }

  async unstage(paths: readonly string[], all = false): Promise<GitStatus> {
    const repo = await this.repo()
    // A staged rename is two paths in the index: unstaging it puts back both.
    const last = this.lastRepoStatus()
    const wanted = new Set(paths)
    for (const c of last?.staged.changes ?? [])
      if (c.origPath && wanted.has(c.path) && !c.origPath.startsWith('../')) wanted.add(c.origPath)
    const list = all ? ['.'] : [...wanted]
    const head = await hasHead(repo)
    for (const chunk of chunks(list))
      await this.act(
        repo.root,
        head ? ['reset', '-q', 'HEAD', '--', ...chunk] : ['rm', '-r', '-q', '--cached', '--', ...chunk],
      )
    return this.status()
  }

  /** Runs one of the user's actions (git as in their terminal: filters and hooks run). */
  private async act(cwd: string, args: readonly string[]): Promise<string> {
    this.acting++
    try {
      return await runGit(cwd, args, { kind: 'act' })
    } finally {
      if (--this.acting === 0 && this.deferred) {
        this.deferred = false
        this.scheduler.poke()
      }
    }
  }

  private lastRepoStatus(): GitRepoStatus | null {
    if (!this.lastSent) return null
    const st = JSON.parse(this.lastSent) as GitStatus
    return st.state === 'repo' ? st : null
  }

  /** The index's copy of `path` becomes `text` (one hunk staged or unstaged), if it still is `base`. */
  async stageText(path: string, text: string, base: string): Promise<GitStatus> {
    const repo = await this.repo()
    const now = await blobText(repo, '', path)
    if (now.kind === 'unavailable')
      throw new HearthError('invalid_argument', `${path} is ${now.why}: stage the whole file.`)
    if ((now.kind === 'text' ? now.text : '') !== base)
      throw new HearthError(
        'conflict',
        `The staged copy of ${path} changed meanwhile. Look at the diff again and retry.`,
      )
    if (now.kind === 'text' && !now.utf8)
      throw new HearthError(
        'invalid_argument',
        `${path} is not UTF-8 text in the index: stage the whole file.`,
      )
    if (now.kind === 'text' && now.bom)
      throw new HearthError(
        'invalid_argument',
        `${path} starts with a byte-order mark: stage the whole file.`,
      )
    const listed = await runGit(repo.root, ['ls-files', '-s', '--', path], { kind: 'read' })
    const mode = /^(\d{6}) /.exec(listed)?.[1] ?? '100644'
    const dir = await mkdtemp(join(tmpdir(), 'hearth-stage-'))
    try {
      const file = join(dir, 'blob')
      await writeFile(file, text, { mode: 0o600 })
      // The text is what the index should hold: stored as it is, no filter runs on it. (--cacheinfo
      // takes the path from the repository's top, not from the workspace.)
      const sha = (await this.act(repo.root, ['hash-object', '-w', '--no-filters', file])).trim()
      await this.act(repo.root, [
        'update-index',
        '--add',
        '--cacheinfo',
        `${mode},${sha},${repo.prefix}${path}`,
      ])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    return this.status()
  }

  async diff(path: string, staged: boolean): Promise<GitDiffSides> {
    const repo = await this.repo()
    const orig = staged
      ? (this.lastRepoStatus()?.staged.changes.find((c) => c.path === path)?.origPath ?? path)
      : path
    const left = await blobText(repo, staged ? 'HEAD' : '', orig.startsWith('../') ? path : orig)
    const right = staged ? await blobText(repo, '', path) : undefined
    const labels = staged
      ? { originalLabel: 'HEAD', modifiedLabel: 'Index' }
      : { originalLabel: 'Index', modifiedLabel: 'Working Tree' }
    const why = left.kind === 'unavailable' ? left.why : right?.kind === 'unavailable' ? right.why : undefined
    const text = (b: typeof left | undefined): string => (b?.kind === 'text' ? b.text : '')
    return {
      path,
      original: text(left),
      ...(staged ? { modified: text(right) } : {}),
      ...labels,
      ...(why ? { unavailable: `${path} cannot be compared: it is ${why}.` } : {}),
    }
  }

  async commit(
    message: string,
    stageAll = false,
  ): Promise<{ commit: string; summary: string; status: GitStatus }> {
    const text = message.trim()
    if (text === '') throw new HearthError('invalid_argument', 'Write a commit message first.')
    const repo = await this.repo()
    if (stageAll) await this.act(repo.root, ['add', '-A', '--', '.'])
    if ((await stagedCount(repo)) === 0) {
      const st = await this.status()
      const changes = st.state === 'repo' ? st.unstaged.changes.length + st.unstaged.more : 0
      throw new HearthError(
        'conflict',
        changes > 0
          ? 'Nothing is staged. Stage the changes to commit, or commit all of them.'
          : 'There is nothing to commit.',
        { nothingStaged: true, changes },
      )
    }
    // The message goes through a file: any text (a leading '-', a newline) stays message, not option.
    const dir = await mkdtemp(join(tmpdir(), 'hearth-commit-'))
    try {
      const file = join(dir, 'MESSAGE')
      await writeFile(file, message, { mode: 0o600 })
      await this.act(repo.root, ['commit', '--file', file, '--cleanup=whitespace'])
    } catch (err) {
      // Most often the repository's own pre-commit or commit-msg hook said no: its words count.
      if (err instanceof HearthError && err.details?.git === 'failed')
        throw new HearthError('conflict', `git did not commit: ${plainLines(gitMessage(err))}`)
      throw err
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const [commit = '', summary = ''] = (
      await runGit(repo.root, ['log', '-1', '--no-show-signature', '--format=%h%x00%s'], { kind: 'read' })
    )
      .trim()
      .split('\0')
    return { commit, summary, status: await this.status() }
  }

  async branches(): Promise<{ branches: GitBranch[]; more: number }> {
    const repo = await this.repo()
    const out = await runGit(
      repo.root,
      [
        'for-each-ref',
        '--sort=-committerdate',
        '--format=%(HEAD)%00%(refname:short)%00%(objectname:short)%00%(subject)',
        'refs/heads',
      ],
      { kind: 'read' },
    )
    const all = out
      .split('\n')
      .filter((l) => l !== '')
      .map((l): GitBranch => {
        const [head = '', name = '', commit = '', subject = ''] = l.split('\0')
        return { name, current: head === '*', commit, subject }
      })
    return { branches: all.slice(0, MAX_BRANCHES), more: Math.max(0, all.length - MAX_BRANCHES) }
  }

  async checkout(branch: string, create = false): Promise<GitStatus> {
    const repo = await this.repo()
    try {
      if (create) await runGit(repo.root, ['check-ref-format', '--branch', branch], { kind: 'read' })
    } catch {
      throw new HearthError('invalid_argument', `"${branch}" is not a valid branch name.`)
    }
    try {
      await this.act(repo.root, create ? ['switch', '-c', branch] : ['switch', branch])
    } catch (err) {
      throw branchFailure(err, branch, create)
    }
    return this.status()
  }

  async init(): Promise<GitStatus> {
    const s = this.session
    if (!s) throw new HearthError('unavailable', 'Open a folder to use source control.')
    await this.act(s.root, ['init', '-q'])
    s.discovery = null
    return this.status()
  }
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += PATHS_PER_CALL) out.push(items.slice(i, i + PATHS_PER_CALL))
  return out
}
