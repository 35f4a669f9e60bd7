import { chmodSync, mkdirSync, statSync } from 'node:fs'
import { chmod, mkdir, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'

/** The data directory: the user only. It holds completions, settings, tokens and indexes of code. */
export const PRIVATE_DIR_MODE = 0o700
/** Files Hearth writes in it. */
export const PRIVATE_FILE_MODE = 0o600

/**
 * Per-user state (recent folders, settings, one index per workspace). Electron passes
 * app.getPath('userData'); the CLI and server use the same platform convention, so the app and
 * `hearth serve` share indexes. HEARTH_DATA_DIR overrides (tests, portable installs).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.HEARTH_DATA_DIR) return env.HEARTH_DATA_DIR
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Hearth')
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Hearth')
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'hearth')
}

/**
 * Per-user cache: files Hearth can always make again and only keeps to be faster (the empty
 * database template, pgTemplate.ts). HEARTH_CACHE_DIR overrides; a portable install
 * (HEARTH_DATA_DIR) keeps it inside its data directory.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.HEARTH_CACHE_DIR) return env.HEARTH_CACHE_DIR
  if (env.HEARTH_DATA_DIR) return join(env.HEARTH_DATA_DIR, 'cache')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'Hearth')
  if (platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Hearth', 'Cache')
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hearth')
}

/**
 * Makes sure `dir` (the data directory, or a folder of Hearth's own in it) exists and only its user
 * may enter it: created 0700 (parents as the platform makes them), and an existing one that lets
 * group or others in is tightened when this user owns it (someone else's folder is left alone:
 * chmod would fail anyway, and it is not ours to change). A 0700 folder also covers what others
 * write inside it (the index databases) whatever modes they use. No-op for modes on Windows.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true })
  await mkdir(dir, { mode: PRIVATE_DIR_MODE }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  })
  if (process.platform === 'win32') return
  const st = await stat(dir)
  if (st.isDirectory() && (st.mode & 0o077) !== 0 && st.uid === process.getuid?.())
    // Best effort: a read-only mount cannot be tightened, and that must not stop a read.
    await chmod(dir, st.mode & 0o7700).catch(() => undefined)
}

/** ensurePrivateDir for synchronous start-up code. */
export function ensurePrivateDirSync(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true })
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR_MODE })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  if (process.platform === 'win32') return
  const st = statSync(dir)
  if (st.isDirectory() && (st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) {
    try {
      chmodSync(dir, st.mode & 0o7700)
    } catch {
      // Best effort, as above.
    }
  }
}
