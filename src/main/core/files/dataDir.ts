import { homedir } from 'node:os'
import { join } from 'node:path'

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
