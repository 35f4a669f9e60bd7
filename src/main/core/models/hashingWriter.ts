import type { FileHandle } from 'node:fs/promises'
import { Worker } from 'node:worker_threads'
import type { BodySink } from './bulkGet'

/** Bytes per block: each is hashed by the worker and written to the file as one write. */
const SLOT_BYTES = 2 * 1024 * 1024
/**
 * Blocks in the ring: at most this many (32 MB) are being filled, hashed or written at once. Room
 * for the receive to run ahead while the hashing thread starts (tens of ms) or a flush stalls a
 * write.
 */
const SLOTS = 16
/** Smallest room in a block worth a socket read of its own; a block with less is sent as it is. */
const MIN_READ = 64 * 1024
/** Largest `take` that may have to be copied (the body reader's own buffer). */
const MAX_COPY = 256 * 1024
/** Written bytes between flushes to the disk while the download runs. */
const SYNC_BYTES = 16 * 1024 * 1024

/**
 * The hashing thread: first the bytes the file already holds (a resume is checked over the whole
 * file), then each block of the shared ring, in file order. Plain JavaScript evaluated as a script,
 * so it runs the same under tsx, vitest and the bundled app.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { readSync } = require('node:fs')
const { ring, slotBytes } = workerData
const hash = createHash('sha256')
function begin({ fd, start }) {
  try {
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024)
    for (let at = 0; at < start; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, start - at), at)
      if (n === 0) throw new Error('the partial file is shorter than its download')
      hash.update(buf.subarray(0, n))
      at += n
    }
    parentPort.postMessage({ ready: true })
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message) })
  }
}
parentPort.on('message', (m) => {
  if (m.begin) return begin(m.begin)
  if (m.end) return parentPort.postMessage({ digest: hash.digest('hex') })
  hash.update(new Uint8Array(ring, m.slot * slotBytes, m.len))
  parentPort.postMessage({ hashed: m.slot })
})
`

interface FromWorker {
  ready?: boolean
  hashed?: number
  digest?: string
  error?: string
}

/**
 * Writes a download to its partial file and computes its sha256, with the hash on a worker thread
 * beside the receive (one core hashed, received and wrote before, and the download could go no
 * faster than that core). The socket reads land in a ring of blocks shared with the worker (see
 * `space`); a full block is hashed by the worker and written by the file system's threads at the
 * same time, in file order, and its slot is reused once both are done. `written` moves only past
 * written blocks; a write failure fails the next `ready`, `push` or `finish`, and `digest` then
 * refuses (the next attempt hashes what reached the disk, so no wrong hash survives a failure).
 */
export class HashingWriter implements BodySink {
  private readonly worker: Worker
  private readonly ring = new SharedArrayBuffer(SLOT_BYTES * SLOTS)
  private readonly free: number[] = []
  /** Per slot: work (hash, write) not done yet. */
  private readonly pending = new Array<number>(SLOTS).fill(0)
  private slot: number | undefined
  private fill = 0
  private dispatchedEnd: number
  /** Bytes confirmed written: where a resume would start. */
  written: number
  private chain: Promise<void> = Promise.resolve()
  private failure: Error | undefined
  private waiters: (() => void)[] = []
  private digestValue: string | undefined
  private started = false
  private syncedAt: number
  private syncing: Promise<void> = Promise.resolve()

  private fh: FileHandle | undefined

  private constructor() {
    this.written = this.dispatchedEnd = this.syncedAt = 0
    for (let i = SLOTS - 1; i >= 0; i--) this.free.push(i)
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ring: this.ring, slotBytes: SLOT_BYTES },
    })
    this.worker.on('message', (m: FromWorker) => this.onMessage(m))
    this.worker.on('error', (err) => this.fail(err))
    this.worker.on('exit', () => this.fail(new Error('the download hashing thread stopped')))
  }

  /** Starts the hashing thread; `begin` gives it the file. Always `close` it. */
  static spawn(): HashingWriter {
    return new HashingWriter()
  }

  /** A writer for `fh` continuing at `start`, once the bytes before `start` are hashed. */
  static async open(fh: FileHandle, start: number): Promise<HashingWriter> {
    const w = new HashingWriter()
    try {
      await w.begin(fh, start)
    } catch (err) {
      await w.close()
      throw err
    }
    return w
  }

  /**
   * Gives the file, continuing at `start`. A resume waits until the bytes before `start` are
   * hashed; a fresh file does not wait for the thread to have started: the ring fills meanwhile
   * and the thread catches up (it hashes faster than a socket delivers).
   */
  async begin(fh: FileHandle, start: number): Promise<void> {
    this.fh = fh
    this.written = this.dispatchedEnd = this.syncedAt = start
    this.worker.postMessage({ begin: { fd: fh.fd, start } })
    if (start > 0) await this.until(() => this.started)
  }

  /** Bytes received so far (written, being hashed and written, or in the block being filled). */
  get received(): number {
    return this.dispatchedEnd + this.fill
  }

  /**
   * Room in the block being filled for the next socket read to land in, so the received bytes
   * are not copied at all (copying into shared memory is V8's slow, tear-free copy); undefined
   * when the ring is full.
   */
  space(): Uint8Array | undefined {
    if (this.failure) return undefined
    if (this.slot !== undefined && SLOT_BYTES - this.fill < MIN_READ) this.dispatch()
    this.slot ??= this.free.pop()
    if (this.slot === undefined) return undefined
    return new Uint8Array(this.ring, this.slot * SLOT_BYTES + this.fill, SLOT_BYTES - this.fill)
  }

  /**
   * Takes `bytes`: a read that landed in `space()` is only counted, other bytes are copied into
   * the ring. False: the ring is nearly full — pass no more than the rest of the current socket
   * read (≤ MAX_COPY in all since the last `true`), then wait for `ready()`.
   */
  take(bytes: Uint8Array): boolean {
    // After a failure nothing more is kept, and `ready` rejects with it.
    if (this.failure) return false
    const here = this.slot !== undefined ? this.slot * SLOT_BYTES + this.fill : -1
    if (bytes.buffer === this.ring && bytes.byteOffset === here) {
      this.fill += bytes.length
      if (this.fill === SLOT_BYTES) this.dispatch()
    } else this.copy(bytes)
    return this.free.length > 0 || (this.slot !== undefined && SLOT_BYTES - this.fill >= MAX_COPY)
  }

  private copy(bytes: Uint8Array): void {
    let from = 0
    while (from < bytes.length) {
      this.slot ??= this.free.pop()
      if (this.slot === undefined) throw new Error('HashingWriter.take called while full')
      const n = Math.min(bytes.length - from, SLOT_BYTES - this.fill)
      new Uint8Array(this.ring, this.slot * SLOT_BYTES + this.fill, n).set(bytes.subarray(from, from + n))
      this.fill += n
      from += n
      if (this.fill === SLOT_BYTES) this.dispatch()
    }
  }

  /** Resolves once `take` may be called again; rejects with a write or hash failure. */
  ready(): Promise<void> {
    return this.until(
      () => this.free.length > 0 || (this.slot !== undefined && SLOT_BYTES - this.fill >= MAX_COPY),
    )
  }

  /** `take` for chunks of any size, waiting whenever the ring is full. */
  async push(chunk: Uint8Array): Promise<void> {
    for (let at = 0; at < chunk.length; at += MAX_COPY) {
      if (this.failure) throw this.failure
      if (!this.take(chunk.subarray(at, at + MAX_COPY))) await this.ready()
    }
  }

  /** Writes and hashes everything received and waits for it (and the flushes started so far). */
  async finish(): Promise<void> {
    this.dispatch()
    await this.until(() => this.free.length === SLOTS)
    await this.syncing
  }

  /** The sha256 (hex) of the whole file; only after `finish`. */
  async digest(): Promise<string> {
    if (this.failure) throw this.failure
    this.worker.postMessage({ end: true })
    await this.until(() => this.digestValue !== undefined)
    return this.digestValue ?? ''
  }

  /** Stops the worker (the file handle stays open: the caller closes it). */
  async close(): Promise<void> {
    this.worker.removeAllListeners('exit')
    await this.worker.terminate()
  }

  /** Hands the block being filled to the worker (hash) and the file (write), in file order. */
  private dispatch(): void {
    const slot = this.slot
    if (slot === undefined) return
    if (this.fill === 0) {
      // Offered by `space()` and not used: back to the free ones.
      this.free.push(slot)
      this.slot = undefined
      return
    }
    const len = this.fill
    const at = this.dispatchedEnd
    this.slot = undefined
    this.fill = 0
    this.dispatchedEnd += len
    this.pending[slot] = 2
    this.worker.postMessage({ slot, len })
    const view = new Uint8Array(this.ring, slot * SLOT_BYTES, len)
    // Written in order, one at a time; a failed write fails the ones after it.
    this.chain = this.chain.then(async () => {
      await writeAll(this.file(), view, at)
      this.written = at + len
      this.flushNow()
      this.done(slot)
    })
    this.chain.catch((err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))))
  }

  private done(slot: number): void {
    this.pending[slot] = (this.pending[slot] ?? 1) - 1
    if (this.pending[slot] === 0) this.free.push(slot)
    this.wake()
  }

  private onMessage(m: FromWorker): void {
    if (m.error !== undefined) this.fail(new Error(m.error))
    if (m.ready) this.started = true
    if (m.hashed !== undefined) this.done(m.hashed)
    if (m.digest !== undefined) this.digestValue = m.digest
    this.wake()
  }

  private file(): FileHandle {
    if (!this.fh) throw new Error('HashingWriter: begin() first')
    return this.fh
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const resolve of w) resolve()
  }

  private fail(err: Error): void {
    this.failure ??= err
    this.wake()
  }

  /** Resolves once `done()` holds; rejects with the first failure. */
  private async until(done: () => boolean): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure
      if (done()) return
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  /** Flushes what is written so far beside the next writes, so the final fsync has little left. */
  private flushNow(): void {
    if (this.written - this.syncedAt < SYNC_BYTES) return
    this.syncedAt = this.written
    const fh = this.file()
    this.syncing = this.syncing.then(() => fh.datasync())
    this.syncing.catch(() => undefined)
  }
}

/** Writes `view` at `pos`, going on after a short write from where it stopped. */
async function writeAll(fh: FileHandle, view: Uint8Array, pos: number): Promise<void> {
  for (let off = 0; off < view.length;) {
    const { bytesWritten } = await fh.write(view, off, view.length - off, pos + off)
    off += bytesWritten
  }
}
