import type { PGlite, QueryOptions } from '@electric-sql/pglite'

/**
 * Vectors as a `vector[]` parameter in Postgres' binary wire format (array_send's layout, each
 * element in pgvector's `vector_recv` form: int16 dimensions, int16 unused, then float4s, all
 * big-endian), not as text literals.
 *
 * Why: as text, each 512-dimension vector was built into a literal on the store worker (512
 * numbers rounded and printed) and parsed back by Postgres one float at a time; that was most of
 * the store's time while vectors were written (a batch of 512 rows ≈5× slower than this form, in
 * the same PGlite). Binary elements are copied as they are: the stored vector is exactly the
 * embedder's float32 values.
 *
 * pgvector's types are an extension's, so their OIDs are the database's own: looked up once per
 * Postgres instance (a restart makes a new PGlite object; the catalog, and so the OIDs, stay).
 */
export interface VectorOids {
  /** `vector` */
  element: number
  /** `vector[]` */
  array: number
}

const oidsOf = new WeakMap<object, VectorOids>()

export async function vectorOids(db: Pick<PGlite, 'query'>): Promise<VectorOids> {
  const known = oidsOf.get(db)
  if (known) return known
  const r = await db.query<{ element: number; array: number }>(
    `SELECT 'vector'::regtype::oid::int AS element, 'vector[]'::regtype::oid::int AS array`,
  )
  const row = r.rows[0]
  if (!row) throw new Error('the vector extension is not installed')
  oidsOf.set(db, row)
  return row
}

/** The largest dimension `vector_recv` accepts (pgvector's VECTOR_MAX_DIM). */
const MAX_DIM = 16_000

/**
 * One `vector[]` binary parameter holding `vectors` (each `dims` long, finite: the caller checks,
 * since a NaN would be stored as it is rather than refused as the text form refuses it).
 */
export function vectorArrayBinary(
  vectors: readonly ArrayLike<number>[],
  dims: number,
  elementOid: number,
): Uint8Array {
  if (!Number.isInteger(dims) || dims < 1 || dims > MAX_DIM)
    throw new RangeError(`${dims} is not a valid vector dimension`)
  const n = vectors.length
  const size = n === 0 ? 12 : 20 + n * (8 + 4 * dims)
  const buf = Buffer.allocUnsafe(size)
  buf.writeInt32BE(n === 0 ? 0 : 1, 0)
  buf.writeInt32BE(0, 4)
  buf.writeUInt32BE(elementOid, 8)
  if (n === 0) return buf
  buf.writeInt32BE(n, 12)
  buf.writeInt32BE(1, 16)
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let at = 20
  for (let i = 0; i < n; i++) {
    const v = vectors[i] as ArrayLike<number>
    if (v.length !== dims) throw new RangeError(`vector ${i} has ${v.length} dimensions, not ${dims}`)
    view.setInt32(at, 4 + 4 * dims)
    view.setInt16(at + 4, dims)
    view.setInt16(at + 6, 0)
    at += 8
    for (let k = 0; k < dims; k++, at += 4) view.setFloat32(at, v[k] as number)
  }
  return buf
}

/**
 * Query options that send a `vector[]` parameter given as vectorArrayBinary's bytes as a binary
 * parameter (PGlite's Bind sends any byte view as format 1; its Serializer type says string).
 */
export function vectorArrayOptions(oids: VectorOids): QueryOptions {
  const asIs = (x: unknown): string => x as string
  return { serializers: { [oids.array]: asIs } }
}
