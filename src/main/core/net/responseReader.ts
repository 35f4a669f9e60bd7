import type { IncomingMessage } from 'node:http'
import { HearthError } from '@shared/errors'
import type { HttpResponse } from './httpTypes'
import { mapNodeError, stalledError } from './netFailure'
import type { BodyGuard } from './requestGuard'

const DEFAULT_IDLE_TIMEOUT_MS = 30_000
const DEFAULT_MAX_BODY = 64 * 1024 * 1024

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
  let consumed = false
  const body = async function* (this: void): AsyncGenerator<Uint8Array> {
    if (consumed) throw new Error('response body already consumed')
    consumed = true
    const it = incoming[Symbol.asyncIterator]() as AsyncIterator<Buffer>
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
    try {
      for (;;) {
        const early = guard.failed()
        if (early) throw early
        waitingSince = performance.now()
        let r: IteratorResult<Buffer>
        try {
          r = await it.next()
        } catch (err) {
          throw guard.failed() ?? mapNodeError(err as Error, label)
        } finally {
          waitingSince = undefined
        }
        // The guard may have failed while we awaited.
        const late = guard.failed()
        if (late) throw late
        if (r.done) return
        chunks++
        yield r.value
      }
    } finally {
      clearInterval(watchdog)
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
