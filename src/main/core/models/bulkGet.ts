import type { IncomingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import { HearthError } from '@shared/errors'
import type { HttpClient } from '../net/httpClient'
import { cancelledError, mapNodeError, noResponseError, stalledError } from '../net/netFailure'
import { ChunkedDecoder } from './chunkedDecoder'

/** The socket's one read buffer: large reads, none allocated per read. */
const READ_BYTES = 256 * 1024
/** Longest status line and headers accepted. */
const MAX_HEAD = 64 * 1024

/** Where a body goes. */
export interface BodySink {
  /**
   * Memory of the sink's own where the next socket read may land (the bytes then need no copy),
   * or undefined for the reader's buffer. Asked before each read.
   */
  space?(): Uint8Array | undefined
  /**
   * Takes all of `bytes` (a view of the last `space()` or of the reader's buffer, valid only during
   * the call; at most READ_BYTES unless in the sink's space); false: give no more before `ready()`.
   */
  take(bytes: Uint8Array): boolean
  ready(): Promise<void>
}

export interface BulkResponse {
  readonly status: number
  readonly statusText: string
  readonly headers: IncomingHttpHeaders
  /** Streams the body into `sink`; resolves once all of it came, rejects on a cut, stall or abort. */
  pipe(sink: BodySink): Promise<void>
  /** Drops the body and the connection. */
  discard(): void
}

export interface BulkGetOptions {
  headers: Record<string, string>
  signal?: AbortSignal | undefined
  label: string
  responseTimeoutMs: number
  idleTimeoutMs: number
}

/**
 * One HTTP/1.1 GET on a fresh connection of its own (`Connection: close`), its body read straight
 * from the socket into one reused buffer and handed to a sink: the path for bulk downloads, where
 * node:http's fresh buffer per read and copy per body chunk cost several times the CPU of the
 * bytes' hash. Bodies framed by Content-Length, chunked, or by the end of the connection.
 */
export function bulkGet(http: HttpClient, url: URL, o: BulkGetOptions): Promise<BulkResponse> {
  return new Promise<BulkResponse>((resolve, reject) => {
    let head: Buffer | undefined = Buffer.alloc(0)
    let response: BulkResponse | undefined
    let failure: Error | undefined
    let sink: BodySink | undefined
    let stash: Uint8Array | undefined
    let left = Infinity
    let chunked: ChunkedDecoder | undefined
    let done = false
    let settle: ((err?: Error) => void) | undefined
    let lastRead = performance.now()
    let reads = 0

    const finish = (err?: Error): void => {
      if (done) return
      done = true
      clearTimeout(responseTimer)
      clearInterval(watchdog)
      o.signal?.removeEventListener('abort', onAbort)
      if (err) failure = err
      socket.destroy()
      if (!response) reject(err ?? new HearthError('unavailable', `${o.label}: no response`))
      settle?.(failure)
    }
    const deliver = (bytes: Uint8Array): boolean => {
      if (chunked) {
        let more = true
        try {
          chunked.feed(bytes, (part) => (more = (sink as BodySink).take(part) && more))
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)))
        }
        if (chunked.ended) finish()
        return more && !done
      }
      const part = bytes.length > left ? bytes.subarray(0, left) : bytes
      left -= part.length
      const more = part.length > 0 ? (sink as BodySink).take(part) : true
      if (left === 0) finish()
      return more && !done
    }
    const resumeWhenReady = (): void => {
      void (sink as BodySink).ready().then(
        () => done || socket.resume(),
        // The sink's own failure (a disk full) is the download's failure, as it is.
        (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
      )
    }
    const onRead = (n: number, buf: Uint8Array): boolean => {
      lastRead = performance.now()
      reads++
      if (done) return false
      const bytes = buf.subarray(0, n)
      if (head !== undefined) return onHead(bytes)
      if (!deliver(bytes)) {
        if (!done) resumeWhenReady()
        return false
      }
      return true
    }
    const onHead = (bytes: Uint8Array): boolean => {
      head = Buffer.concat([head as Buffer, bytes])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) {
        if (head.length > MAX_HEAD) finish(malformed(o.label, 'response headers too large'))
        return !done
      }
      let parsed
      try {
        parsed = parseHead(head.subarray(0, end).toString('latin1'), o.label)
      } catch (err) {
        finish(err instanceof HearthError ? err : malformed(o.label, 'malformed HTTP response'))
        return false
      }
      stash = new Uint8Array(head.subarray(end + 4))
      head = undefined
      if (!parsed) {
        finish(malformed(o.label, 'malformed HTTP response'))
        return false
      }
      clearTimeout(responseTimer)
      const te = String(parsed.headers['transfer-encoding'] ?? '').toLowerCase()
      const len = Number(parsed.headers['content-length'])
      if (te && te !== 'identity') chunked = new ChunkedDecoder(o.label)
      else if (parsed.headers['content-length'] !== undefined && Number.isSafeInteger(len) && len >= 0)
        left = len
      response = {
        ...parsed,
        pipe: (s) =>
          new Promise<void>((res, rej) => {
            settle = (err) => (err ? rej(err) : res())
            if (failure || done) return settle(failure)
            sink = s
            const first = stash ?? new Uint8Array(0)
            stash = undefined
            if (first.length > 0 && !deliver(first)) {
              if (!done) resumeWhenReady()
            } else if (!done) socket.resume()
            if (left === 0) finish()
          }),
        discard: () => finish(),
      }
      resolve(response)
      return false
    }

    let socket: Socket
    try {
      const own = Buffer.allocUnsafe(READ_BYTES)
      // Body reads land in the sink's memory when it offers some: no copy on the receive side.
      const next = (): Uint8Array => (head === undefined && !done ? sink?.space?.() : undefined) ?? own
      socket = http.connect(url, { buffer: next, callback: onRead })
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)))
      return
    }
    const onAbort = (): void => finish(cancelledError(o.label))
    o.signal?.addEventListener('abort', onAbort, { once: true })
    const responseTimer = setTimeout(
      () => finish(noResponseError(o.label, o.responseTimeoutMs)),
      o.responseTimeoutMs,
    )
    // One coarse watchdog for the stall deadline (not a timer per read); counts only while
    // reading, not while the sink holds the socket paused.
    const watchdog = setInterval(
      () => {
        if (response && sink && !socket.isPaused() && performance.now() - lastRead >= o.idleTimeoutMs)
          finish(stalledError(o.label, o.idleTimeoutMs, reads))
      },
      Math.max(5, Math.min(1000, o.idleTimeoutMs / 4)),
    )
    watchdog.unref()
    socket.on('error', (err) => finish(mapNodeError(err, o.label)))
    socket.on('end', () => {
      // The end of the connection ends a body without a length; any other body is cut short.
      if (response && left === Infinity && !chunked) finish()
      else finish(mapNodeError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), o.label))
    })
    socket.on('close', () => finish(mapNodeError(new Error('socket hang up'), o.label)))
    const path = `${url.pathname}${url.search}`
    const lines = [`GET ${path} HTTP/1.1`, `host: ${url.host}`, 'connection: close']
    for (const [k, v] of Object.entries(o.headers)) lines.push(`${k}: ${v}`)
    socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  })
}

function parseHead(
  text: string,
  label: string,
): { status: number; statusText: string; headers: IncomingHttpHeaders } | undefined {
  const [statusLine = '', ...rest] = text.split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine)
  if (!m) return undefined
  const headers: Record<string, string | string[]> = {}
  for (const line of rest) {
    const i = line.indexOf(':')
    if (i <= 0) throw malformed(label, `malformed header line: ${line.slice(0, 80)}`)
    const name = line.slice(0, i).trim().toLowerCase()
    const value = line.slice(i + 1).trim()
    const prev = headers[name]
    if (name === 'set-cookie') headers[name] = [...((prev as string[] | undefined) ?? []), value]
    else headers[name] = prev === undefined ? value : `${String(prev)}, ${value}`
  }
  return { status: Number(m[1]), statusText: m[2] ?? '', headers: headers }
}

function malformed(label: string, what: string): HearthError {
  return new HearthError('unavailable', `${label}: ${what}`, { reason: 'malformed' })
}
