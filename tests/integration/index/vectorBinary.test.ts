import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  vectorArrayBinary,
  vectorArrayOptions,
  vectorOids,
} from '../../../src/main/core/index/store/vectorBinary'

// Vectors are written as a binary vector[] parameter (vectorBinary.ts). pgvector itself decodes
// them here: each must come back as exactly the float32 values sent, in order.

let db: PGlite
beforeAll(async () => {
  db = await PGlite.create('memory://', { extensions: { vector } })
  await db.exec('CREATE EXTENSION vector')
})
afterAll(async () => {
  await db.close()
})

async function roundTrip(vectors: Float32Array[], dims: number): Promise<number[][]> {
  const oids = await vectorOids(db)
  const r = await db.query<{ v: string }>(
    'SELECT v::text AS v FROM unnest($1::vector[]) WITH ORDINALITY AS u(v, i) ORDER BY i',
    [vectorArrayBinary(vectors, dims, oids.element)],
    vectorArrayOptions(oids),
  )
  return r.rows.map((row) => JSON.parse(row.v) as number[])
}

describe('binary vector[] parameters', () => {
  it('stores each vector exactly as its float32 values, in order', async () => {
    const dims = 512
    const vectors = Array.from({ length: 300 }, (_, i) =>
      Float32Array.from({ length: dims }, (_, k) => Math.sin(i * 7.1 + k) * (k % 5 === 0 ? 1e-9 : 1)),
    )
    const back = await roundTrip(vectors, dims)
    expect(back).toHaveLength(vectors.length)
    for (const [i, v] of vectors.entries()) expect(Float32Array.from(back[i] ?? [])).toEqual(v)
  })

  it('sends an empty array', async () => {
    expect(await roundTrip([], 3)).toEqual([])
  })

  it('refuses a vector of another length and an impossible dimension, before Postgres sees them', () => {
    expect(() => vectorArrayBinary([new Float32Array(3), new Float32Array(4)], 3, 1)).toThrow(
      /vector 1 has 4 dimensions, not 3/,
    )
    expect(() => vectorArrayBinary([], 0, 1)).toThrow(/not a valid vector dimension/)
    expect(() => vectorArrayBinary([], 16_001, 1)).toThrow(/not a valid vector dimension/)
  })

  it('takes plain number arrays as well (what crosses to the store worker)', async () => {
    const oids = await vectorOids(db)
    const r = await db.query<{ v: string }>(
      'SELECT v::text AS v FROM unnest($1::vector[]) AS u(v)',
      [vectorArrayBinary([[0.5, -0.25, 1]], 3, oids.element)],
      vectorArrayOptions(oids),
    )
    const back = r.rows.map((row) => JSON.parse(row.v) as number[])
    expect(back).toEqual([[0.5, -0.25, 1]])
  })
})
