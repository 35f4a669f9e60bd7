import { describe, expect, it } from 'vitest'
import { packBatch, transferOf, unpackBatch } from './packedBatch'
import type { PreparedBatch } from './storeTypes'

const batch: PreparedBatch = {
  prepared: [
    {
      cand: { path: 'src/a.ts', size: 12, mtimeMs: 1.5 },
      hash: 'h1',
      rows: [
        {
          path: 'src/a.ts',
          startLine: 1,
          endLine: 3,
          language: 'typescript',
          hash: 'c1',
          symbols: 'parseHeader',
          content: 'export function parseHeader() {}\n',
          // A view into a larger buffer, as Buffer.allocUnsafe's pool gives the prepare step.
          tsv: new Uint8Array(new ArrayBuffer(64), 8, 5).fill(7),
          ntsv: Uint8Array.from([0, 0, 0, 0]),
        },
      ],
    },
  ],
  touchOnly: [{ path: 'src/b.ts', size: 3, mtimeMs: 2 }],
  toRemove: ['src/gone.ts'],
  result: { indexed: 0, unchanged: 1, chunks: 0, skipped: [{ path: 'x.bin', reason: 'binary' }], removed: 0 },
  df: { lexemes: 'pars header', counts: Int32Array.from([1, 1]) },
}

describe('packed batches (prepare worker → main thread → store worker)', () => {
  it('come back as the same batch, typed arrays included', () => {
    const back = unpackBatch(packBatch(batch))
    expect(back).toEqual(batch)
    expect(back.df.counts).toBeInstanceOf(Int32Array)
    expect(Array.from(back.prepared[0]?.rows[0]?.tsv ?? [])).toEqual([7, 7, 7, 7, 7])
  })

  it('own their whole buffer, which is what a message transfers instead of copying', () => {
    const p = packBatch(batch)
    expect(p.packed.byteOffset).toBe(0)
    expect(transferOf(p)).toEqual([p.packed.buffer])
    expect(transferOf({ files: [] })).toEqual([])
    expect(transferOf(null)).toEqual([])
  })

  it('refuses anything else with a clear error', () => {
    expect(() => unpackBatch(batch as never)).toThrow(/expected a packed batch/)
  })
})
