import type { QueryOptions } from '@electric-sql/pglite'

/**
 * Array parameters in Postgres' binary wire format (what `array_send` writes and `array_recv`
 * reads), not as text literals.
 *
 * Why: PGlite's text path escapes every element into one `{"…","…"}` literal, then measures that
 * literal's UTF-8 length in a JavaScript loop over every character, twice, before encoding it;
 * Postgres then parses it back character by character. A write batch's chunk texts and lexemes
 * are megabytes, and that work was a large share of the store worker's time (profile in
 * docs/BENCHMARKS.md, ninth session). In binary form each element is its UTF-8 bytes behind a
 * length, written natively by Buffer, and Postgres copies them.
 *
 * Pass `BINARY_ARRAYS` as a query's options: it replaces the serializers of the array types the
 * store sends (text[], int[], bigint[], float8[], and tsvector[] of tsvectorBinary's payloads).
 * The statement must fix each parameter's type (`$1::text[]`): the element type's OID is part of
 * the binary form and Postgres checks it.
 */

const TEXT = 25
const INT4 = 23
const INT8 = 20
const FLOAT8 = 701
const TSVECTOR = 3614

/** Header of a one-dimensional array without nulls: ndim, has-null flag, element OID, length, lower bound. */
function header(buf: Buffer, elementOid: number, n: number): number {
  buf.writeInt32BE(n === 0 ? 0 : 1, 0)
  buf.writeInt32BE(0, 4)
  buf.writeUInt32BE(elementOid, 8)
  if (n === 0) return 12
  buf.writeInt32BE(n, 12)
  buf.writeInt32BE(1, 16)
  return 20
}

function headerSize(n: number): number {
  return n === 0 ? 12 : 20
}

function asArray(value: unknown, type: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`a ${type} parameter must be an array`)
  return value
}

export function textArray(value: unknown): Uint8Array {
  const items = asArray(value, 'text[]')
  let size = headerSize(items.length)
  const lengths = new Array<number>(items.length)
  for (let i = 0; i < items.length; i++) {
    const s = items[i]
    if (typeof s !== 'string') throw new TypeError(`text[] element ${i} is not a string`)
    const len = Buffer.byteLength(s, 'utf8')
    lengths[i] = len
    size += 4 + len
  }
  const buf = Buffer.allocUnsafe(size)
  let at = header(buf, TEXT, items.length)
  for (let i = 0; i < items.length; i++) {
    const len = lengths[i] ?? 0
    buf.writeInt32BE(len, at)
    at += 4
    // A string without lone surrogates encodes to exactly `len` bytes; write() never overruns.
    at += buf.write(items[i] as string, at, len, 'utf8')
  }
  return buf
}

function fixedArray(
  value: unknown,
  type: string,
  oid: number,
  width: 4 | 8,
  put: (buf: Buffer, v: number, at: number) => void,
): Uint8Array {
  const items = asArray(value, type)
  const buf = Buffer.allocUnsafe(headerSize(items.length) + items.length * (4 + width))
  let at = header(buf, oid, items.length)
  for (let i = 0; i < items.length; i++) {
    const v = items[i]
    if (typeof v !== 'number') throw new TypeError(`${type} element ${i} is not a number`)
    buf.writeInt32BE(width, at)
    put(buf, v, at + 4)
    at += 4 + width
  }
  return buf
}

function checkedInteger(v: number, type: string, min: number, max: number): number {
  // The text form would make Postgres refuse these; the binary form would store garbage.
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${v} is not a valid ${type} element`)
  return v
}

export function int4Array(value: unknown): Uint8Array {
  return fixedArray(value, 'int[]', INT4, 4, (buf, v, at) =>
    buf.writeInt32BE(checkedInteger(v, 'int[]', -2147483648, 2147483647), at),
  )
}

export function int8Array(value: unknown): Uint8Array {
  return fixedArray(value, 'bigint[]', INT8, 8, (buf, v, at) =>
    buf.writeBigInt64BE(
      BigInt(checkedInteger(v, 'bigint[]', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
      at,
    ),
  )
}

export function float8Array(value: unknown): Uint8Array {
  return fixedArray(value, 'float8[]', FLOAT8, 8, (buf, v, at) => buf.writeDoubleBE(v, at))
}

/**
 * One tsvector in the binary form `tsvectorrecv` reads: the lexeme count, then each lexeme as a
 * NUL-terminated string with a position count of 0. Empty and repeated lexemes are dropped
 * (`tsvectorrecv` does not deduplicate: a repeated lexeme would make an invalid tsvector).
 *
 * Sorted here, in the prepare worker, because the store worker is the indexer's bottleneck:
 * Postgres sorts a received tsvector whose lexemes come out of order (≈5 % of the store's time
 * on a first index) and only checks the order of a sorted one. Its order is bytewise (memcmp,
 * then the shorter first), which a JavaScript sort gives for ASCII, all the indexer's lexemes
 * but rare non-ASCII words; for those Postgres still sorts, so the result is the same either way.
 */
export function tsvectorBinary(lexemes: Iterable<string>): Uint8Array {
  const sorted = [...lexemes].sort()
  const kept: string[] = []
  for (let i = 0; i < sorted.length; i++) {
    const l = sorted[i] as string
    if (l !== '' && l !== sorted[i - 1]) kept.push(l)
  }
  const bytes: number[] = []
  let size = 4
  for (const l of kept) {
    const n = utf8Length(l)
    bytes.push(n)
    size += n + 3
  }
  const buf = Buffer.allocUnsafe(size)
  buf.writeInt32BE(kept.length, 0)
  let at = 4
  for (let i = 0; i < kept.length; i++) {
    const l = kept[i] ?? ''
    const n = bytes[i] ?? 0
    // The indexer's lexemes are ASCII: copy their char codes (Buffer.write is a native call per
    // string, which cost more than the rest of this function for ≈100 short lexemes a chunk).
    if (n === l.length) for (let j = 0; j < n; j++) buf[at + j] = l.charCodeAt(j)
    else buf.write(l, at, n, 'utf8')
    at += n
    buf[at] = 0
    buf[at + 1] = 0
    buf[at + 2] = 0
    at += 3
  }
  return buf
}

/** The lexemes of a tsvectorBinary payload, in its order (tests and bench:store-write read them back). */
export function tsvectorLexemes(payload: Uint8Array): string[] {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  const out: string[] = []
  for (let i = 0, at = 4; i < buf.readInt32BE(0); i++) {
    const end = buf.indexOf(0, at)
    out.push(buf.toString('utf8', at, end))
    at = end + 3
  }
  return out
}

/** UTF-8 length of `s`; for ASCII, its length. Refuses NUL, which a C string cannot hold. */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0) throw new RangeError('a lexeme cannot hold a NUL character')
    if (c > 127) {
      if (s.includes('\0', i)) throw new RangeError('a lexeme cannot hold a NUL character')
      return Buffer.byteLength(s, 'utf8')
    }
  }
  return s.length
}

/** A tsvector[] of payloads made by tsvectorBinary. */
export function tsvectorArray(value: unknown): Uint8Array {
  const items = asArray(value, 'tsvector[]')
  let size = headerSize(items.length)
  for (const [i, v] of items.entries()) {
    if (!(v instanceof Uint8Array)) throw new TypeError(`tsvector[] element ${i} is not a binary tsvector`)
    size += 4 + v.byteLength
  }
  const buf = Buffer.allocUnsafe(size)
  let at = header(buf, TSVECTOR, items.length)
  for (const v of items as Uint8Array[]) {
    buf.writeInt32BE(v.byteLength, at)
    buf.set(v, at + 4)
    at += 4 + v.byteLength
  }
  return buf
}

// PGlite's Serializer type says string, but its Bind message sends any ArrayBuffer view as a
// binary-format parameter (format code 1); that is the documented BufferParameter path.
type AnySerializer = (x: unknown) => string
const asSerializer = (f: (x: unknown) => Uint8Array): AnySerializer => f as unknown as AnySerializer

export const BINARY_ARRAYS: QueryOptions = {
  serializers: {
    1009: asSerializer(textArray),
    1007: asSerializer(int4Array),
    1016: asSerializer(int8Array),
    1022: asSerializer(float8Array),
    3643: asSerializer(tsvectorArray),
  },
}
