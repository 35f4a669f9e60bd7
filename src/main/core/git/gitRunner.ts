import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git'
import { HearthError } from '@shared/errors'
import { publicEnv } from '../base/childEnv'

/**
 * The user's own `git`, run through simple-git, with the repository's config distrusted where
 * the user did not ask for anything to run.
 *
 * The folder may be an unpacked archive or someone else's clone, and its `.git/config` can name
 * programs git runs: `core.fsmonitor` (on every index read), filters (`filter.<name>.clean` on
 * status, for files whose stat changed), hooks, `diff.external`, pagers. Two kinds of call:
 * - `read` (status, blob contents, branch lists: what the app does by itself, on open and on every
 *   file change): fsmonitor and hooks off, every filter the config names switched off, no pager,
 *   no optional locks (a background status must not fight the user's own git for index.lock).
 * - `act` (stage, unstage, commit, switch branch, init: a click of the user's): git behaves as it
 *   does in the user's terminal — filters (git-lfs) and hooks (pre-commit, commit-msg,
 *   post-checkout) run, as VS Code runs them — except fsmonitor, a cache whose absence only costs
 *   time. Never a pager or an editor (commits take `-m`).
 */

/** A status of a big repository takes well under this; a hung git must not hold the view. */
const TIMEOUT_MS = 30_000

const ALWAYS = ['core.fsmonitor=false', 'core.pager=cat']
const READ_ONLY = [...ALWAYS, 'core.hooksPath=/dev/null']

/** Identity and locale come from the user's environment; every other GIT_* variable is dropped. */
const PASSED_ENV = /^(GIT_AUTHOR_|GIT_COMMITTER_)(NAME|EMAIL|DATE)$/

/** Variables simple-git guards (every GIT_*, and EDITOR/PAGER-like ones): ours are listed here. */
const OUR_ENV = [
  'GIT_OPTIONAL_LOCKS',
  'GIT_TERMINAL_PROMPT',
  'GIT_LITERAL_PATHSPECS',
  'GIT_PAGER',
  'PAGER',
  'GIT_EDITOR',
  'EDITOR',
  'VISUAL',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
]

/**
 * Git's environment: the user's, without Hearth's secrets and switches (what git starts — a
 * repository's hooks and filters — must not read Hearth's tokens), and with our GIT_* settings.
 */
function childEnv(read: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(publicEnv(process.env))) {
    if (/^GIT_/.test(k) || k === 'PAGER' || k === 'EDITOR' || k === 'VISUAL') {
      if (PASSED_ENV.test(k)) env[k] = v
      continue
    }
    env[k] = v
  }
  // Git's messages are turned into sentences here, so they must be git's English ones.
  env.LC_ALL = 'C'
  env.LANGUAGE = 'C'
  env.GIT_TERMINAL_PROMPT = '0'
  // Paths are file names, never patterns: `a*.ts` stages that file, not every match.
  env.GIT_LITERAL_PATHSPECS = '1'
  env.GIT_PAGER = 'cat'
  env.PAGER = 'cat'
  env.GIT_EDITOR = 'true'
  if (read) env.GIT_OPTIONAL_LOCKS = '0'
  return env
}

export interface GitRunOptions {
  /** `read`: nothing from the repository's config runs; `act`: the user's git as in a terminal. */
  kind: 'read' | 'act'
  /** Extra `-c` settings (e.g. the filters a read switches off). */
  config?: readonly string[]
  signal?: AbortSignal
  /**
   * Exit codes that mean an answer, not a failure (`git config --get-regexp`: 1, no such keys).
   * Given, the run is strict: any other non-zero exit fails, even one with nothing on stderr.
   */
  okExit?: readonly number[]
}

/** Runs `git <args>` in `cwd` and returns stdout; failures are HearthErrors with a sentence. */
export async function runGit(cwd: string, args: readonly string[], opts: GitRunOptions): Promise<string> {
  const git = gitFor(cwd, opts)
  try {
    return await git.raw([...args])
  } catch (err) {
    throw gitFailure(err, args, cwd)
  }
}

/** As runGit, but stdout as bytes (a blob's content, to decode strictly: no lossy UTF-8). */
export async function runGitBytes(
  cwd: string,
  args: readonly string[],
  opts: GitRunOptions,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  const git = gitFor(cwd, opts).outputHandler((_command, stdout) => {
    stdout.on('data', (c: Buffer | string) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)))
  })
  try {
    await git.raw([...args])
  } catch (err) {
    throw gitFailure(err, args, cwd)
  }
  return Buffer.concat(chunks)
}

function gitFor(cwd: string, opts: GitRunOptions): SimpleGit {
  return simpleGit({
    baseDir: cwd,
    config: [...(opts.kind === 'read' ? READ_ONLY : ALWAYS), ...(opts.config ?? [])],
    // Our own -c settings only; simple-git refuses any other unsafe key or variable.
    allowConfig: ['core.fsmonitor', 'core.pager', 'core.hooksPath', 'filter.*'],
    allowEnvironment: OUR_ENV,
    strict: true,
    timeout: { block: TIMEOUT_MS },
    trimmed: false,
    ...(opts.signal ? { abort: opts.signal } : {}),
    ...(opts.okExit ? { errors: strictExit(opts.okExit) } : {}),
  }).env(childEnv(opts.kind === 'read'))
}

/**
 * simple-git fails a run only when git exits non-zero *and* says something on stderr; a caller
 * that decides from the exit code gets every other non-zero exit as a failure, and its own
 * codes as answers.
 */
function strictExit(ok: readonly number[]): SimpleGitOptions['errors'] {
  return (error, result) => {
    if (ok.includes(result.exitCode)) return undefined
    if (error) return error
    return result.exitCode === 0 ? undefined : Buffer.from(`git exited with code ${result.exitCode}`)
  }
}

/** A failed git run: the sentence for the user, and git's own output for callers that read it. */
export class GitFailure extends HearthError {
  constructor(
    code: ConstructorParameters<typeof HearthError>[0],
    message: string,
    details: ConstructorParameters<typeof HearthError>[2],
    /** What git printed (not sent over the wire). */
    readonly output: string,
  ) {
    super(code, message, details)
  }
}

/** What git said, without simple-git's wrapping. */
export function gitMessage(err: unknown): string {
  if (err instanceof GitFailure) return err.output
  const m = err instanceof Error ? err.message : String(err)
  return m.trim()
}

/** Git's output as a HearthError whose sentence says what to do. */
export function gitFailure(err: unknown, args: readonly string[], cwd: string): HearthError {
  if (err instanceof HearthError) return err
  const msg = gitMessage(err)
  const e = classify(msg, err, args, cwd)
  return new GitFailure(e.code, e.message, e.details, msg)
}

function classify(msg: string, err: unknown, args: readonly string[], cwd: string): HearthError {
  if (/spawn \S*git\S* ENOENT|ENOENT/.test(msg) && /spawn/.test(msg))
    return new HearthError('unavailable', NO_GIT, { git: 'missing' })
  if (/not a git repository/i.test(msg))
    return new HearthError('not_found', 'This folder is not in a git repository.', { git: 'notRepo' })
  if (/dubious ownership/i.test(msg))
    return new HearthError(
      'forbidden',
      `git does not trust this folder: it belongs to another user. If it is yours to use, run: git config --global --add safe.directory '${cwd}'`,
      { git: 'untrusted' },
    )
  if (
    /please tell me who you are|author identity unknown|unable to auto-detect email|empty ident name/i.test(
      msg,
    )
  )
    return new HearthError(
      'invalid_argument',
      'git does not know who you are. Set your name and email, then commit again: git config --global user.name "Your Name" and git config --global user.email you@example.com',
      { git: 'identity' },
    )
  if (/index\.lock.*File exists|Unable to create .*\.lock/i.test(msg))
    return new HearthError(
      'busy',
      'Another git command is working in this repository. Try again in a moment; if this persists, a crashed git left .git/index.lock behind: delete it.',
      { git: 'locked' },
    )
  if (/block timeout reached|timed out/i.test(msg))
    return new HearthError('timeout', `git ${args[0] ?? ''} did not finish within ${TIMEOUT_MS / 1000} s.`)
  if (/AbortError|aborted/i.test(msg) && err instanceof Error && err.name === 'AbortError')
    return new HearthError('cancelled', 'cancelled')
  return new HearthError('internal', `git ${args[0] ?? ''} failed: ${plainLines(msg)}`, { git: 'failed' })
}

export const NO_GIT =
  'git is not installed (or not on PATH). Install git, then reopen the folder to use source control.'

/** git's output shortened to a few lines without its "fatal:"/"error:" prefixes. */
export function plainLines(msg: string, max = 6): string {
  const lines = msg
    .split('\n')
    .map((l) => l.replace(/^(fatal|error|hint):\s*/, '').trim())
    .filter((l) => l !== '' && !/^hint:/.test(l))
  const shown = lines.slice(0, max).join(' ')
  return shown.length > 500 ? `${shown.slice(0, 497)}…` : shown
}
