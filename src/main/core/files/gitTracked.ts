import { execFile, execFileSync } from 'node:child_process'

/**
 * Which folders with a default-ignored name (`build`, `dist`, `out`…) git tracks in a workspace:
 * those are source, not output, and stay in. Asked of the user's own `git` (`git ls-files`, paths
 * relative to the workspace, so a workspace inside a larger repository works too). No git, no
 * repository, or a git that fails: an empty set, and every default applies as before.
 */

/** A big repository lists in well under a second; a hung git must not hold the workspace. */
const GIT_TIMEOUT_MS = 15_000
/** `git ls-files -z` of ≈1M paths; beyond it the defaults apply (rather than a crash). */
const MAX_BUFFER = 256 * 1024 * 1024

const ARGS = ['ls-files', '-z', '--cached']

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
    execFile(
      'git',
      ['-C', root, ...ARGS],
      { encoding: 'utf8', maxBuffer: MAX_BUFFER, timeout: GIT_TIMEOUT_MS, env: gitEnv(), windowsHide: true },
      (err, stdout) => resolve(err ? null : stdout),
    )
  })
  return out === null ? new Set() : foldersNamed(out, names)
}

export function trackedDefaultFoldersSync(root: string, names: ReadonlySet<string>): ReadonlySet<string> {
  try {
    const out = execFileSync('git', ['-C', root, ...ARGS], {
      encoding: 'utf8',
      maxBuffer: MAX_BUFFER,
      timeout: GIT_TIMEOUT_MS,
      env: gitEnv(),
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    })
    return foldersNamed(out, names)
  } catch {
    return new Set()
  }
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
