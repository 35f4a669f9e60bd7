import { randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, lstatSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { HearthError, toWireError } from '@shared/errors'
import { isClientMessage } from '@shared/rpc/wire'
import type { Disposable } from '../../base/lifecycle'
import type { Dispatcher } from '../../rpc/dispatcher'
import { RpcSession } from '../../rpc/rpcSession'
import { LineChannel } from './lineChannel'
import { DENIED_ID, INDEX_SOCKET_METHODS, type IndexSocketAuth } from './protocol'
import { indexSocketPaths, type IndexSocketPaths } from './socketPaths'

/** An auth line is a few dozen bytes; more than this before it is not a client of ours. */
const MAX_BYTES_BEFORE_AUTH = 4096
/** A search call is a few KB (a query is at most 2,000 characters). */
const MAX_LINE_BYTES = 1 << 20
const AUTH_DEADLINE_MS = 5000
/** Sockets at once: the CLI opens one per search; more is not a client of ours. */
const MAX_CONNECTIONS = 64

export interface IndexSocketOptions {
  /** The index directory this process holds (its lock). */
  dbDir: string
  /** Answers the calls: the core's dispatcher (validation, the handlers the app uses). */
  dispatcher: () => Dispatcher
  log?: (level: 'info' | 'warn', message: string) => void
}

/**
 * While this process holds an index, answers `hearth search` over a local socket beside it, so
 * the CLI neither fails on the lock nor spends seconds opening the databases a second time.
 *
 * The socket is a Unix domain socket of mode 0600 (a Windows named pipe there) and a client must
 * first send `{"t":"auth","token":"…"}` with the token of `<dbDir>/cli.token` (0600, new at every
 * start, so it is only known to someone who can read this user's files while this process runs);
 * a wrong or missing token gets one `err` line and the connection closes. Then the line holds
 * the contract's wire messages (`src/shared/rpc/wire.ts`), one per line, served by the same
 * RpcSession and Dispatcher as the app's IPC and `hearth serve`'s WebSocket, for the methods in
 * INDEX_SOCKET_METHODS only.
 *
 * Starts synchronously (listening completes in the background, a failure is logged and the CLI
 * falls back to its message that the index is in use); disposing closes every connection and
 * removes the socket and the token, and so does this process's exit.
 */
export function serveIndexSocket(opts: IndexSocketOptions): Disposable {
  const log = opts.log ?? (() => undefined)
  let paths: IndexSocketPaths
  try {
    paths = indexSocketPaths(opts.dbDir)
  } catch (err) {
    log('warn', `hearth search cannot ask this process: ${(err as Error).message}`)
    return { dispose: () => undefined }
  }
  const token = randomBytes(24).toString('base64url')
  const unix = process.platform !== 'win32'
  const conns = new Set<Socket>()
  let socketIno: number | null = null
  let closed = false

  const cleanup = (): void => {
    // Only what is still ours: the token we wrote, the socket file we bound.
    try {
      if (readFileSync(paths.token, 'utf8').trim() === token) unlinkSync(paths.token)
    } catch {
      // already gone
    }
    if (!unix || socketIno === null) return
    try {
      if (lstatSync(paths.socket).ino === socketIno) unlinkSync(paths.socket)
    } catch {
      // already gone
    }
  }
  process.once('exit', cleanup)

  try {
    writePrivate(paths.token, `${token}\n`)
    // A socket file left by a holder that died (this process holds the lock now): bind needs its name.
    if (unix) removeStaleSocket(paths.socket)
  } catch (err) {
    process.removeListener('exit', cleanup)
    log('warn', `hearth search cannot ask this process: ${(err as Error).message}`)
    return { dispose: () => undefined }
  }

  const server: Server = createServer((conn) => {
    if (closed || conns.size >= MAX_CONNECTIONS) return void conn.destroy()
    conns.add(conn)
    conn.on('close', () => conns.delete(conn))
    accept(conn, token, opts.dispatcher)
  })
  server.on('error', (err) => {
    log('warn', `hearth search cannot ask this process (${paths.socket}): ${err.message}`)
  })
  server.listen(paths.socket, () => {
    if (!unix) return
    try {
      chmodSync(paths.socket, 0o600)
      socketIno = lstatSync(paths.socket).ino
    } catch (err) {
      log('warn', `index socket ${paths.socket}: ${(err as Error).message}`)
      server.close()
    }
    // Disposed while it was binding: the file it just bound goes too.
    if (closed) cleanup()
  })

  return {
    dispose: () => {
      if (closed) return
      closed = true
      for (const c of conns) c.destroy()
      // The file is removed now, not when close() has seen every connection end: a CLI that looks
      // meanwhile finds no socket rather than one that refuses.
      if (unix && socketIno === null) {
        try {
          socketIno = lstatSync(paths.socket).ino
        } catch {
          // never bound
        }
      }
      cleanup()
      process.removeListener('exit', cleanup)
      return new Promise<void>((done) => server.close(() => done()))
    },
  }
}

/** One client: the token first (bounded in time and bytes), then contract calls, one per line. */
function accept(conn: Socket, token: string, dispatcher: () => Dispatcher): void {
  conn.on('error', () => conn.destroy())
  const channel = new LineChannel(conn, MAX_BYTES_BEFORE_AUTH)
  const deadline = setTimeout(() => conn.destroy(), AUTH_DEADLINE_MS)
  deadline.unref()
  conn.on('close', () => clearTimeout(deadline))
  channel.onMessage((first) => {
    clearTimeout(deadline)
    if (!isAuthorized(token, first)) {
      channel.send({
        t: 'err',
        id: DENIED_ID,
        error: toWireError(
          new HearthError('unauthorized', 'unauthorized: wrong or missing token for the index socket'),
        ),
      })
      channel.onMessage(() => undefined)
      conn.end()
      // A client that does not close its side: the descriptor is freed all the same.
      setTimeout(() => conn.destroy(), 1000).unref()
      return
    }
    channel.maxLineBytes = MAX_LINE_BYTES
    const session = new RpcSession(dispatcher(), (msg) => channel.send(msg), 'socket')
    conn.on('close', () => session.close())
    channel.onMessage((msg) => {
      if (isClientMessage(msg) && msg.t === 'call' && !INDEX_SOCKET_METHODS.has(msg.method)) {
        const err = new HearthError(
          'unknown_method',
          `${msg.method.slice(0, 100)} is not served on the index socket`,
        )
        channel.send({ t: 'err', id: msg.id, error: toWireError(err) })
        return
      }
      session.receive(msg)
    })
  })
}

function isAuthorized(expected: string, msg: unknown): boolean {
  if (typeof msg !== 'object' || msg === null) return false
  const m = msg as Partial<IndexSocketAuth>
  if (m.t !== 'auth' || typeof m.token !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(m.token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Written beside and renamed, mode set before the secret is in place. */
function writePrivate(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, text, { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, path)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
}

function removeStaleSocket(path: string): void {
  try {
    if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  unlinkSync(path)
}
