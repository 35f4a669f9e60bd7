import { execFile } from 'node:child_process'

/**
 * Which folders with a default-ignored name (`build`, `dist`, `out`…) git tracks in a workspace:
 * those are source, not output, and stay in. Asked of the user's own `git` (`git ls-files`, paths
 * relative to the workspace, so a workspace inside a larger repository works too). No git, no
 * repository, or a git that fails: an empty set, and every default applies as before.
 *
 * Only ever asynchronous: on a big repository (or a hung git) a synchronous call would stall the
 * core's whole event loop for up to GIT_TIMEOUT_MS.
 */

/** A big repository lists in well under a second; a hung git must not hold the workspace. */
const GIT_TIMEOUT_MS = 15_000
/** `git ls-files -z` of ≈1M paths; beyond it the defaults apply (rather than a crash). */
const MAX_BUFFER = 256 * 1024 * 1024

/**
 * The folder opened may be an unpacked archive or a clone of someone else's: its `.git/config`
 * is not trusted. `core.fsmonitor` names a command git runs when it reads the index, and hooks are
 * commands too, so both are switched off on the command line (which beats the repository's config);
 * `--` ends the options, so nothing after it is read as one.
 */
const SAFE_CONFIG = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null']

export function gitLsFilesArgs(root: string): string[] {
  return [...SAFE_CONFIG, '-C', root, 'ls-files', '-z', '--cached', '--']
}

/** No optional locks (a status-like read must not fight the user's own git), no pager, no prompt. */
const gitEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_OPTIONAL_LOCKS: '0',
  GIT_TERMINAL_PROMPT: '0',
})

export async function trackedDefaultFolders(
  root: string,
  names: ReadonlySet<string>,
): Promise<ReadonlySet<string>> {
  const out = await new Promise<string | null>((resolve) => {
    try {
      execFile(
        'git',
        gitLsFilesArgs(root),
        {
          encoding: 'utf8',
          maxBuffer: MAX_BUFFER,
          timeout: GIT_TIMEOUT_MS,
          env: gitEnv(),
          windowsHide: true,
        },
        (err, stdout) => resolve(err ? null : stdout),
      )
    } catch {
      // A spawn that throws at once (bad cwd, EMFILE): as if there were no git.
      resolve(null)
    }
  })
  return out === null ? new Set() : foldersNamed(out, names)
}

/** Every path prefix of a tracked file whose last component is one of `names`. */
export function foldersNamed(lsFilesZ: string, names: ReadonlySet<string>): ReadonlySet<string> {
  const found = new Set<string>()
  for (const path of lsFilesZ.split('\0')) {
    if (path === '') continue
    const parts = path.split('/')
    for (let i = 0; i < parts.length; i++)
      if (names.has(parts[i] ?? '')) found.add(parts.slice(0, i + 1).join('/'))
  }
  return found
}
