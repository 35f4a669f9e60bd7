import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Where the process that holds an index answers the CLI's searches (`indexSocketServer.ts`), and
 * the file with the token a client must send first. Both sides derive them from the index's
 * directory, so `hearth search --db DIR` finds the socket of whoever holds DIR, whatever data
 * directory that process was started with.
 */
export interface IndexSocketPaths {
  /** A Unix domain socket (mode 0600), or a Windows named pipe. */
  socket: string
  /** `<dbDir>/cli.token`, mode 0600: only the same user can read it. */
  token: string
}

const SOCKET = 'cli.sock'
const TOKEN = 'cli.token'
/** sun_path holds 108 bytes on Linux, 104 on macOS, with the terminating NUL. */
const MAX_SOCKET_PATH = 100

export function indexSocketPaths(dbDir: string, platform = process.platform): IndexSocketPaths {
  const token = join(dbDir, TOKEN)
  const id = createHash('sha256').update(dbDir).digest('hex').slice(0, 16)
  // A named pipe is not a file: no mode, so the token is the whole guard there.
  if (platform === 'win32') return { socket: `\\\\.\\pipe\\hearth-${id}`, token }
  const beside = join(dbDir, SOCKET)
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH) return { socket: beside, token }
  // An index deep in the tree cannot hold its socket (bind fails with a long path): a folder of
  // this user's in the temp directory holds it instead, named after the index.
  return { socket: join(privateRunDir(), `${id}.sock`), token }
}

/**
 * `<tmp>/hearth-<uid>`, mode 0700. One that is not ours, not a plain folder (a link another user
 * planted) or open to others is refused: a socket there could be swapped or watched.
 */
function privateRunDir(): string {
  const dir = join(tmpdir(), `hearth-${process.getuid?.() ?? 'user'}`)
  try {
    mkdirSync(dir, { mode: 0o700 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const st = lstatSync(dir)
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0)
    throw new Error(`${dir} is not a private folder of this user: the index's socket is not made there`)
  return dir
}
