import type { IncomingMessage } from 'node:http'
import { finished } from 'node:stream'
import { HearthError } from '@shared/errors'
import type { HttpResponse } from './httpTypes'
import { mapNodeError, stalledError } from './netFailure'
import type { BodyGuard } from './requestGuard'

const DEFAULT_IDLE_TIMEOUT_MS = 30_000
const DEFAULT_MAX_BODY = 64 * 1024 * 1024
/** Body bytes received ahead of the reader before the socket is paused. */
const QUEUE_BYTES = 1024 * 1024

/**
 * The response of one request: a body iterable once, with the idle (stall) deadline per chunk and
 * the guard's failures rethrown; `text`/`json` read it whole under a size cap.
 */
export function readResponse(
  incoming: IncomingMessage,
  guard: BodyGuard,
  label: string,
  idleTimeoutMs: number | undefined,
): HttpResponse {
  const idleMs = idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  // A reader may stop before the end and leave the body unclosed (the `ollama` package stops
  // reading at `done: true`): once every byte is here, the whole-request deadline's timer must not
  // stay armed, or it holds a `hearth complete` process open until it fires (30 s).
  incoming.once('end', () => guard.arrived())
  let consumed = false
  const body = async function* (this: void): AsyncGenerator<Uint8Array> {
    if (consumed) throw new Error('response body already consumed')
    consumed = true
    // The socket's chunks as they come ('data' events into a short queue, paused above
    // QUEUE_BYTES) rather than the stream's async iterator, whose read() path cost a third more
    // CPU per byte on a fast download (and copies when several chunks are buffered).
    const queue: Buffer[] = []
    let queued = 0
    let ended = false
    let streamError: Error | undefined
    let wake: (() => void) | undefined
    const onData = (chunk: Buffer): void => {
      queue.push(chunk)
      queued += chunk.length
      if (queued >= QUEUE_BYTES) incoming.pause()
      wake?.()
    }
    const stopWatching = finished(incoming, { writable: false }, (err) => {
      if (err) streamError = err
      else ended = true
      wake?.()
    })
    let chunks = 0
    // One coarse watchdog for the stall deadline rather than a timer armed and cleared per chunk
    // (thousands a second on a fast download): it fires between idleMs and idleMs + a quarter.
    let waitingSince: number | undefined
    const watchdog = setInterval(
      () => {
        if (waitingSince !== undefined && performance.now() - waitingSince >= idleMs)
          guard.fail(stalledError(label, idleMs, chunks))
      },
      Math.max(5, Math.min(1000, idleMs / 4)),
    )
    // The socket keeps the process alive while a read waits; a body left unread must not.
    watchdog.unref()
    incoming.once('close', () => clearInterval(watchdog))
    incoming.on('data', onData)
    try {
      for (;;) {
        const failure = guard.failed()
        if (failure) throw failure
        const chunk = queue.shift()
        if (chunk) {
          queued -= chunk.length
          if (incoming.isPaused() && queued < QUEUE_BYTES / 2) incoming.resume()
          chunks++
          yield chunk
          continue
        }
        // What arrived before a cut is delivered first: a download keeps it for its resume.
        if (streamError) throw guard.failed() ?? mapNodeError(streamError, label)
        if (ended) return
        waitingSince = performance.now()
        await new Promise<void>((resolve) => (wake = resolve))
        wake = undefined
        waitingSince = undefined
      }
    } finally {
      clearInterval(watchdog)
      incoming.off('data', onData)
      stopWatching()
      guard.finish()
      if (!incoming.complete) incoming.destroy()
    }
  }
  const iterable: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => body() }
  const text = async (maxBytes = DEFAULT_MAX_BODY): Promise<string> => {
    const parts: Buffer[] = []
    let size = 0
    for await (const chunk of iterable) {
      size += chunk.byteLength
      if (size > maxBytes)
        throw new HearthError('too_large', `${label}: response larger than ${maxBytes} bytes`)
      parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    }
    return Buffer.concat(parts).toString('utf8')
  }
  return {
    status: incoming.statusCode ?? 0,
    statusText: incoming.statusMessage ?? '',
    headers: incoming.headers,
    body: iterable,
    text,
    json: async (maxBytes) => {
      const t = await text(maxBytes)
      try {
        return JSON.parse(t) as unknown
      } catch {
        throw new HearthError('unavailable', `${label}: malformed JSON in response: ${t.slice(0, 120)}`, {
          reason: 'malformed',
        })
      }
    },
    discard: () => {
      guard.finish()
      incoming.destroy()
    },
  }
}
