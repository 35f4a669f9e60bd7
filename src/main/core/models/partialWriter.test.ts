import { randomBytes } from 'node:crypto'
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PartialWriter, skip } from './partialWriter'

describe('PartialWriter', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-partial-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes every chunk in order after what the file already held, and shows each chunk once', async () => {
    const path = join(dir, 'f.partial')
    const head = randomBytes(1000)
    await writeFile(path, head)
    // Uneven chunks, enough for several blocks and a partly filled last one.
    const chunks = Array.from({ length: 300 }, (_, i) => randomBytes(60_000 + (i % 7) * 1111))
    const seen: Uint8Array[] = []
    const fh = await open(path, 'r+')
    const w = new PartialWriter(fh, head.length, (c) => seen.push(c))
    for (const c of chunks) await w.push(c)
    await w.finish()
    await fh.close()
    const all = Buffer.concat([head, ...chunks])
    expect(w.written).toBe(all.length)
    expect(w.received).toBe(all.length)
    expect((await readFile(path)).equals(all)).toBe(true)
    expect(seen.length).toBe(chunks.length)
    expect(seen.every((c, i) => c === chunks[i])).toBe(true)
  })

  it('fails finish with the write error and keeps `written` at what reached the file', async () => {
    const path = join(dir, 'f.partial')
    const fh = await open(path, 'w')
    const w = new PartialWriter(fh, 0)
    await w.push(randomBytes(5 * 1024 * 1024))
    await fh.close()
    await w.push(randomBytes(5 * 1024 * 1024)).catch(() => undefined)
    await expect(w.finish()).rejects.toThrow()
    expect(w.written).toBeLessThanOrEqual((await readFile(path)).length)
  })

  it('skip: what is left of a block after a short write', () => {
    const bufs = [Buffer.from('abc'), Buffer.from('de'), Buffer.from('fgh')]
    const text = (b: Uint8Array[]): string => Buffer.concat(b).toString()
    expect(text(skip(bufs, 0))).toBe('abcdefgh')
    expect(text(skip(bufs, 2))).toBe('cdefgh')
    expect(text(skip(bufs, 3))).toBe('defgh')
    expect(text(skip(bufs, 6))).toBe('gh')
    expect(skip(bufs, 8)).toEqual([])
    expect(text(bufs)).toBe('abcdefgh')
  })
})
