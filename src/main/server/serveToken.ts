import { chmodSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
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
/**
 * `v2:` marks a token that has only ever travelled in a URL fragment, a header or a WebSocket
 * message. A bare token was made by a version that also set it as a cookie, which the browser
 * sent to every port on 127.0.0.1: it may be known to other local servers, so it is replaced.
 */
const PREFIX = 'v2:'
const SHAPE = /^[A-Za-z0-9_-]{32,128}$/

/**
 * The token `hearth serve` requires, kept in `<dataDir>/serve-token` (mode 0600) so a bookmarked
 * URL and an open page's reconnect keep working across restarts on the same port. `rotate`
 * (`--new-token`) mints a new one, which also locks out every page that had the old one. A file
 * others can read, or that does not hold a token, is replaced.
 */
export function serveToken(dataDir: string, rotate = false): ServeToken {
  const path = join(dataDir, FILE)
  let note: string | undefined
  if (!rotate && existsSync(path)) {
    const mode = statSync(path).mode & 0o777
    const text = readFileSync(path, 'utf8').trim()
    const saved = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : undefined
    // Windows has no POSIX modes to check.
    if (process.platform !== 'win32' && (mode & 0o077) !== 0)
      note = `${path} was readable by other users (mode ${mode.toString(8)}): a new token replaces it`
    else if (saved !== undefined && SHAPE.test(saved)) return { token: saved, source: 'saved' }
    else if (SHAPE.test(text))
      note =
        'the saved token was also kept in a browser cookie by an older Hearth, which other local servers could read: a new token replaces it (open the new URL)'
    else note = `${path} did not hold a token: a new one replaces it`
  }
  const token = newToken()
  // Written beside, then renamed: a crash never leaves a half-written token, and the mode is set
  // before the token is in the file.
  const tmp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, `${PREFIX}${token}\n`, { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, path)
  } catch (err) {
    // A full disk must not leave a half-written copy of the token behind.
    rmSync(tmp, { force: true })
    throw err
  }
  return note ? { token, source: 'new', note } : { token, source: 'new' }
}
