import { HearthError } from '@shared/errors'

/**
 * Byte stream → lines, for NDJSON and SSE. The decoder runs in streaming mode so a multi-byte
 * UTF-8 character split across two chunks is reassembled, and a line split across chunks is
 * held until its end arrives: any chunking of the same bytes yields the same lines.
 */
export async function* lines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8')
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.endsWith('\r', nl) ? buffer.slice(0, nl - 1) : buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      yield line
    }
  }
  buffer += decoder.decode()
  if (buffer.length > 0) yield buffer.endsWith('\r') ? buffer.slice(0, -1) : buffer
}

/** Newline-delimited JSON (Ollama): one value per non-empty line. */
export async function* ndjson(body: AsyncIterable<Uint8Array>, label: string): AsyncGenerator<unknown> {
  for await (const line of lines(body)) {
    if (line.trim() === '') continue
    try {
      yield JSON.parse(line) as unknown
    } catch {
      throw new HearthError('unavailable', `${label}: malformed NDJSON line: ${line.slice(0, 120)}`, {
        reason: 'malformed',
      })
    }
  }
}

export interface SseEvent {
  event: string
  data: string
  id?: string
}

/**
 * Server-sent events (text/event-stream): `data:` lines joined by "\n" until a blank line.
 * Comments (`:`) and `retry:` are ignored. A final event without its blank line is still
 * delivered — some servers close right after the last `data:`.
 */
export async function* sse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  let data: string[] = []
  let event = 'message'
  let id: string | undefined
  const flush = (): SseEvent | undefined => {
    if (data.length === 0) {
      event = 'message'
      return undefined
    }
    const e: SseEvent =
      id === undefined ? { event, data: data.join('\n') } : { event, data: data.join('\n'), id }
    data = []
    event = 'message'
    return e
  }
  for await (const line of lines(body)) {
    if (line === '') {
      const e = flush()
      if (e) yield e
      continue
    }
    if (line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
    else if (field === 'id') id = value
  }
  const e = flush()
  if (e) yield e
}

/** SSE whose `data` is JSON, ending at OpenAI's `[DONE]` sentinel. */
export async function* sseJson(body: AsyncIterable<Uint8Array>, label: string): AsyncGenerator<unknown> {
  for await (const e of sse(body)) {
    if (e.data === '[DONE]') return
    let value: unknown
    try {
      value = JSON.parse(e.data)
    } catch {
      throw new HearthError('unavailable', `${label}: malformed event data: ${e.data.slice(0, 120)}`, {
        reason: 'malformed',
      })
    }
    if (e.event === 'error') {
      throw new HearthError('unavailable', `${label}: server reported an error: ${e.data.slice(0, 200)}`, {
        reason: 'server_error',
      })
    }
    yield value
  }
}
