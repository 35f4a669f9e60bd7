import { deserialize, serialize } from 'node:v8'
import type { PackedBatch, PreparedBatch } from './storeTypes'

export type { PackedBatch } from './storeTypes'

export function packBatch(batch: PreparedBatch): PackedBatch {
  const buf = serialize(batch)
  // A transfer detaches the whole ArrayBuffer: make sure it holds this batch alone.
  const own = buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength ? buf : Uint8Array.from(buf)
  return { packed: own }
}

export function unpackBatch(p: PackedBatch): PreparedBatch {
  if (!(p?.packed instanceof Uint8Array)) throw new TypeError('writePrepared: expected a packed batch')
  return deserialize(p.packed) as PreparedBatch
}

/** What to transfer with a message carrying `value`: a packed batch's buffer, else nothing. */
export function transferOf(value: unknown): ArrayBuffer[] {
  const packed = (value as Partial<PackedBatch> | null)?.packed
  return packed instanceof Uint8Array && packed.buffer instanceof ArrayBuffer ? [packed.buffer] : []
}
