import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newToken } from './auth'

export interface ServeToken {
  token: string
  /** 'saved': reused from the data directory; 'new': minted now (and saved). */
  source: 'saved' | 'new'
  /** Why a saved token was not reused, for the console. */
  note?: string
}

const FILE = 'serve-token'
const SHAPE = /^[A-Za-z0-9_-]{32,128}$/

/**
 * The token `hearth serve` requires, kept in `<dataDir>/serve-token` (mode 0600) so a bookmarked
 * URL, the browser's cookie and an open page's reconnect keep working across restarts on the
 * same port. `rotate` (`--new-token`) mints a new one, which also locks out every page that had
 * the old one. A file others can read, or that does not hold a token, is replaced.
 */
export function serveToken(dataDir: string, rotate = false): ServeToken {
  const path = join(dataDir, FILE)
  let note: string | undefined
  if (!rotate && existsSync(path)) {
    const mode = statSync(path).mode & 0o777
    const text = readFileSync(path, 'utf8').trim()
    // Windows has no POSIX modes to check.
    if (process.platform !== 'win32' && (mode & 0o077) !== 0)
      note = `${path} was readable by other users (mode ${mode.toString(8)}): a new token replaces it`
    else if (!SHAPE.test(text)) note = `${path} did not hold a token: a new one replaces it`
    else return { token: text, source: 'saved' }
  }
  const token = newToken()
  // Written beside, then renamed: a crash never leaves a half-written token, and the mode is set
  // before the token is in the file.
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, `${token}\n`, { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, path)
  return note ? { token, source: 'new', note } : { token, source: 'new' }
}
