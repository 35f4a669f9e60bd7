import { describe, expect, it } from 'vitest'
import { CodeHashEmbedder, embedderWords, stem } from './codeHashEmbedder'
import { embedderForId } from './createEmbedder'

const cos = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0)

describe('CodeHashEmbedder', () => {
  const e = new CodeHashEmbedder()
  it('is deterministic, unit length, of the stated dimension', async () => {
    const [a, b] = await e.embed(['parseHttpHeader(raw)', 'parseHttpHeader(raw)'])
    expect(a?.length).toBe(e.dimensions)
    expect(Array.from(a ?? [])).toEqual(Array.from(b ?? []))
    expect(cos(a ?? new Float32Array(), a ?? new Float32Array())).toBeCloseTo(1, 5)
  })
  it('puts prose near the code it describes (split identifiers, stems, abbreviations)', () => {
    const q = e.embedOne('creates an array of unique values')
    const uniq = e.embedOne('lodash/uniq.js\nfunction uniq(array) { return baseUniq(array) }')
    const other = e.embedOne('net/socket.js\nfunction connectSocket(host, port) { return open(host, port) }')
    expect(cos(q, uniq)).toBeGreaterThan(cos(q, other))
  })
  it('splits, canonicalises and stems words', () => {
    expect(embedderWords('const initDbConnection = makeStrings')).toEqual([
      'initializ',
      'databas',
      'connection',
      'make',
      'string',
    ])
    expect(stem('creates')).toBe(stem('created'))
  })
  it('is rebuilt from its id (the index records which embedder made its vectors)', () => {
    expect(embedderForId(e.id)?.id).toBe(e.id)
  })
  it('gives the same vector whatever its memos hold (seen before, or started over when full)', () => {
    const text =
      'src/http/headerParser.ts\nexport function parseHttpHeader(raw: string) { return raw.split(":") }'
    const fresh = new CodeHashEmbedder().embedOne(text)
    const busy = new CodeHashEmbedder()
    const first = busy.embedOne(text)
    // More distinct words and tokens than a memo holds: both start over at least once.
    for (let i = 0; i < 40; i++)
      busy.embedOne(Array.from({ length: 1000 }, (_, j) => `wordNumber${i * 1000 + j}x`).join(' '))
    expect(Array.from(first)).toEqual(Array.from(fresh))
    expect(Array.from(busy.embedOne(text))).toEqual(Array.from(fresh))
  })
})
