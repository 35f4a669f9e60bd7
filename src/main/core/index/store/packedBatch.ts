import { deserialize, serialize } from 'node:v8'
import type { PreparedBatch } from './protocol'

/**
 * A PreparedBatch on its way from the prepare worker to the store worker, through the main thread.
 * Serialized once in the prepare worker and its buffer transferred (not copied) both ways, so the
 * main thread, which only passes it on, never builds the batch's objects: a first index moves
 * every file's text and tsvectors this way (≈100 MB for 10k files), which was a structured clone
 * into the main thread's heap and another out of it, and garbage for its collector.
 */
export interface PackedBatch {
  packed: Uint8Array
}

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
