import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { HearthError, fromWireError } from '@shared/errors'
import { searchEvents, searchMethods } from '@shared/contract/search'
import { TableClient } from '@shared/rpc/tableClient'
import { isServerMessage } from '@shared/rpc/wire'
import { DENIED_ID, type IndexSocketAuth } from '../core/index/cliSocket/protocol'
import { LineChannel } from '../core/index/cliSocket/lineChannel'
import { indexSocketPaths } from '../core/index/cliSocket/socketPaths'

/** An answer of a thousand results with their snippets stays far below this. */
const MAX_ANSWER_BYTES = 64 << 20
const CONNECT_TIMEOUT_MS = 2000

export interface IndexSocketConnection {
  /** The contract, as far as the index socket serves it (search.query, index.status). */
  client: TableClient
  /** The server's refusal (a wrong or missing token), once it arrived. */
  denied(): HearthError | null
  close(): void
}

/**
 * Connects to the socket of the Hearth process that holds the index at `dbDir`
 * (core/index/cliSocket) and sends the token from `<dbDir>/cli.token` first. Rejects with the
 * system's code in `details.cause` (ENOENT: no socket, ECONNREFUSED: a socket nobody listens on)
 * when there is nothing to talk to, so the caller can open the index itself instead.
 */
export async function connectIndexSocket(dbDir: string): Promise<IndexSocketConnection> {
  const paths = indexSocketPaths(dbDir)
  let token: string
  try {
    token = readFileSync(paths.token, 'utf8').trim()
  } catch (err) {
    throw unreachable(`no token at ${paths.token}`, err)
  }
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(paths.socket)
    const timer = setTimeout(() => {
      s.destroy()
      reject(
        new HearthError('timeout', `${paths.socket} did not accept a connection in ${CONNECT_TIMEOUT_MS} ms`),
      )
    }, CONNECT_TIMEOUT_MS)
    s.once('connect', () => {
      clearTimeout(timer)
      s.removeAllListeners('error')
      resolve(s)
    })
    s.once('error', (err) => {
      clearTimeout(timer)
      reject(unreachable(`cannot connect to ${paths.socket}`, err))
    })
  })
  const channel = new LineChannel(socket, MAX_ANSWER_BYTES)
  let denied: HearthError | null = null
  // The search domain alone: the index socket serves nothing else, and building every domain's
  // schemas would add to each `hearth search` process's start.
  const client = new TableClient(
    {
      send: (msg) => channel.send(msg),
      onMessage: (receive) => {
        channel.onMessage((m) => {
          if (!isServerMessage(m)) return
          if (m.t === 'err' && m.id === DENIED_ID) denied = fromWireError(m.error)
          else receive(m)
        })
        return () => channel.onMessage(() => undefined)
      },
    },
    { methods: searchMethods, events: searchEvents },
  )
  socket.on('error', () => socket.destroy())
  socket.on('close', () =>
    client.failAll(denied?.message ?? 'the Hearth process holding the index closed the connection'),
  )
  // The token goes first; calls may follow at once (the server reads in order).
  channel.send({ t: 'auth', token } satisfies IndexSocketAuth)
  return {
    client,
    denied: () => denied,
    close: () => {
      client.dispose()
      socket.destroy()
    },
  }
}

function unreachable(what: string, err: unknown): HearthError {
  const code = (err as NodeJS.ErrnoException).code
  return new HearthError('unavailable', `${what}: ${(err as Error).message}`, code ? { cause: code } : {})
}
