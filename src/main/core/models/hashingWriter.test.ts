import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HashingWriter } from './hashingWriter'

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

describe('HashingWriter', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-hashing-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes every byte in order after what the file held, and hashes the whole file', async () => {
    const path = join(dir, 'f.partial')
    const head = randomBytes(1_000_003)
    await writeFile(path, head)
    // Uneven sizes, some larger than a block, enough to go round the ring several times.
    const chunks = Array.from({ length: 120 }, (_, i) =>
      randomBytes(60_000 + (i % 7) * 111_111 + (i % 13 === 0 ? 3_000_000 : 0)),
    )
    const fh = await open(path, 'r+')
    const w = await HashingWriter.open(fh, head.length)
    try {
      for (const c of chunks) await w.push(c)
      await w.finish()
      const all = Buffer.concat([head, ...chunks])
      expect(w.written).toBe(all.length)
      expect(w.received).toBe(all.length)
      expect(await w.digest()).toBe(sha(all))
      expect((await readFile(path)).equals(all)).toBe(true)
    } finally {
      await w.close()
      await fh.close()
    }
  })

  it('bytes read into space() are kept without a copy, mixed with copied ones, in order', async () => {
    const path = join(dir, 'f')
    const fh = await open(path, 'w')
    const w = await HashingWriter.open(fh, 0)
    const parts: Buffer[] = []
    try {
      for (let i = 0; i < 200; i++) {
        const part = randomBytes(10_000 + ((i * 7919) % 300_000))
        const room = i % 5 === 0 ? undefined : w.space()
        if (room && room.length >= part.length) {
          // What a socket read into the offered memory does.
          room.set(part)
          parts.push(part)
          if (!w.take(room.subarray(0, part.length))) await w.ready()
        } else {
          const copied = part.subarray(0, Math.min(part.length, 256 * 1024))
          parts.push(copied)
          if (!w.take(copied)) await w.ready()
        }
      }
      await w.finish()
      const all = Buffer.concat(parts)
      expect(await w.digest()).toBe(sha(all))
      expect((await readFile(path)).equals(all)).toBe(true)
    } finally {
      await w.close()
      await fh.close()
    }
  })

  it('take says when the ring is full, and ready when there is room again', async () => {
    const fh = await open(join(dir, 'f'), 'w')
    const w = await HashingWriter.open(fh, 0)
    try {
      const block = randomBytes(256 * 1024)
      let takes = 0
      while (w.take(block)) takes++
      // 16 blocks of 2 MB: the ring said "full" before it could overflow.
      expect(takes).toBeGreaterThan(40)
      expect(takes).toBeLessThanOrEqual(128)
      await w.ready()
      expect(w.take(block)).toBe(true)
      await w.finish()
      expect(w.written).toBe((takes + 2) * block.length)
    } finally {
      await w.close()
      await fh.close()
    }
  })

  it('a failed write fails finish and leaves no digest, and `written` stays at what reached the file', async () => {
    const path = join(dir, 'f.partial')
    const fh = await open(path, 'w')
    const w = await HashingWriter.open(fh, 0)
    await w.push(randomBytes(5 * 1024 * 1024))
    await w.finish()
    await fh.close()
    await w.push(randomBytes(5 * 1024 * 1024)).catch(() => undefined)
    await expect(w.finish()).rejects.toThrow()
    await expect(w.digest()).rejects.toThrow()
    expect(w.written).toBeLessThanOrEqual((await readFile(path)).length)
    await w.close()
  })
})
