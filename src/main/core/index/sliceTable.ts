/**
 * A table of strings looked up by a slice of a longer text, without making the slice: the
 * prepare worker looks up every identifier and number of every chunk (≈5.5 million lookups for
 * the 10k files of docs/BENCHMARKS.md, Index; 97 % of them hits), and `text.match` plus `Map.get`
 * made a string and hashed it for each. The caller hashes the slice as it scans it
 * (`sliceHashStep` per character), and a hit is confirmed with `startsWith` at the slice's position.
 *
 * Open addressing with linear probing, kept at most half full; `clear` empties it.
 */
export class SliceTable<V> {
  private keys: (string | undefined)[] = []
  private values: (V | undefined)[] = []
  private hashes = new Int32Array(0)
  private mask = 0
  size = 0

  /** `initialCapacity` must be a power of two (slots are picked by masking the hash). */
  constructor(private readonly initialCapacity = 1 << 12) {
    this.reset(initialCapacity)
  }

  /** The value stored for `text.slice(start, end)`, whose sliceHash is `hash`. */
  get(text: string, start: number, end: number, hash: number): V | undefined {
    const len = end - start
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const k = this.keys[i]
      if (k === undefined) return undefined
      if (this.hashes[i] === hash && k.length === len && text.startsWith(k, start)) return this.values[i]
    }
  }

  /** Stores `value` for `key` (not in the table yet), whose sliceHash is `hash`. */
  add(key: string, hash: number, value: V): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow()
    this.place(key, hash, value)
    this.size++
  }

  clear(): void {
    this.reset(this.initialCapacity)
  }

  private place(key: string, hash: number, value: V): void {
    let i = hash & this.mask
    while (this.keys[i] !== undefined) i = (i + 1) & this.mask
    this.keys[i] = key
    this.values[i] = value
    this.hashes[i] = hash
  }

  private grow(): void {
    const { keys, values, hashes, size } = this
    this.reset(keys.length * 2)
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]
      if (k !== undefined) this.place(k, hashes[i] as number, values[i] as V)
    }
    this.size = size
  }

  private reset(capacity: number): void {
    this.keys = new Array<string | undefined>(capacity).fill(undefined)
    this.values = new Array<V | undefined>(capacity).fill(undefined)
    this.hashes = new Int32Array(capacity)
    this.mask = capacity - 1
    this.size = 0
  }
}

/** The hash SliceTable expects: FNV-1a over the UTF-16 code units, one step per code unit. */
export const SLICE_HASH_SEED = 0x811c9dc5 | 0
export function sliceHashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193)
}

/** sliceHash of a whole string (what a scanner computes step by step over its slice). */
export function sliceHash(s: string, start = 0, end = s.length): number {
  let h = SLICE_HASH_SEED
  for (let i = start; i < end; i++) h = sliceHashStep(h, s.charCodeAt(i))
  return h
}
