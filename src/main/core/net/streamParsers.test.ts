import { describe, expect, it } from 'vitest'
import { lines, ndjson, sse, sseJson } from './streamParsers'

const enc = new TextEncoder()

async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0
  for (const c of [...cuts, bytes.length]) {
    await Promise.resolve() // each piece in its own turn, like network reads
    yield bytes.subarray(at, c)
    at = c
  }
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

describe('stream parsers: any chunking of the same bytes gives the same values', () => {
  const ndBody = enc.encode('{"response":"é✓"}\n{"response":"😀\\n"}\r\n\n{"done":true}')
  const sseBody = enc.encode(
    ': comment\nevent: message\ndata: {"t":"a"}\n\ndata: {"t":"😀"}\r\n\r\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n',
  )

  it('ndjson at every single split point and byte by byte', async () => {
    const want = await all(ndjson(chunked(ndBody, []), 't'))
    expect(want).toEqual([{ response: 'é✓' }, { response: '😀\n' }, { done: true }])
    for (let i = 1; i < ndBody.length; i++) expect(await all(ndjson(chunked(ndBody, [i]), 't'))).toEqual(want)
    const every = Array.from({ length: ndBody.length - 1 }, (_, i) => i + 1)
    expect(await all(ndjson(chunked(ndBody, every), 't'))).toEqual(want)
  })

  it('sse at every split point', async () => {
    const want = await all(sse(chunked(sseBody, [])))
    expect(want.map((e) => e.data)).toEqual(['{"t":"a"}', '{"t":"😀"}', 'line1\nline2', '[DONE]'])
    for (let i = 1; i < sseBody.length; i++) expect(await all(sse(chunked(sseBody, [i])))).toEqual(want)
  })

  it('sseJson stops at [DONE] and rejects malformed data with a clear error', async () => {
    const body = enc.encode('data: {"a":1}\n\ndata: [DONE]\n\ndata: {"never":1}\n\n')
    expect(await all(sseJson(chunked(body, []), 'srv'))).toEqual([{ a: 1 }])
    await expect(all(sseJson(chunked(enc.encode('data: {oops\n\n'), []), 'srv'))).rejects.toThrow(
      /srv: malformed event data/,
    )
  })

  it('a last line without its newline is still delivered', async () => {
    expect(await all(lines(chunked(enc.encode('a\nb'), [])))).toEqual(['a', 'b'])
    expect(await all(sse(chunked(enc.encode('data: x'), [])))).toEqual([{ event: 'message', data: 'x' }])
  })
})
