import type { FileHandle } from 'node:fs/promises'

/** Bytes gathered before each write to the partial file. */
const WRITE_BYTES = 4 * 1024 * 1024
/** Written bytes between flushes to the disk while the download runs. */
const SYNC_BYTES = 64 * 1024 * 1024

/**
 * Writes a download to its partial file in large writes, one in flight while the next is being
 * received: one awaited write per network chunk (tens of KB) held the download to a fraction of
 * curl's speed on the same file. At most two buffers (≈8 MB) are held.
 */
export class PartialWriter {
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private inFlight: Promise<void> = Promise.resolve()
  /** End of what has been handed to the disk (written or being written). */
  private queuedEnd: number
  /** Bytes confirmed on disk: where a resume would start. */
  written: number
  private syncedAt: number
  private syncing: Promise<void> = Promise.resolve()

  /** `onWritten` gets each buffer once it is written, in file order (the download's hash reads them). */
  constructor(
    private readonly fh: FileHandle,
    start: number,
    private readonly onWritten: (buf: Uint8Array) => void = () => undefined,
  ) {
    this.written = start
    this.queuedEnd = start
    this.syncedAt = start
  }

  /** Bytes received so far (on disk, being written, or buffered). */
  get received(): number {
    return this.queuedEnd + this.pendingBytes
  }

  async push(chunk: Uint8Array): Promise<void> {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes >= WRITE_BYTES) await this.handOff()
  }

  /** Writes everything received; throws the first write failure. */
  async finish(): Promise<void> {
    await this.handOff()
    await this.inFlight
    await this.syncing
  }

  private async handOff(): Promise<void> {
    if (this.pendingBytes === 0) return
    const buf =
      this.pending.length === 1
        ? (this.pending[0] as Uint8Array)
        : Buffer.concat(this.pending, this.pendingBytes)
    const at = this.queuedEnd
    this.queuedEnd += buf.length
    this.pending = []
    this.pendingBytes = 0
    // One write at a time, in order: wait for the previous (and surface its failure) first.
    await this.inFlight
    this.inFlight = writeAll(this.fh, buf, at).then(() => {
      this.written = at + buf.length
      this.onWritten(buf)
      this.flushNow()
    })
    // Seen here so a failure is not "unhandled" before the next push or finish awaits it.
    this.inFlight.catch(() => undefined)
  }

  /**
   * Starts flushing what is written so far beside the next writes, so the fsync before the rename
   * has little left to do instead of the whole file's dirty pages at the end.
   */
  private flushNow(): void {
    if (this.written - this.syncedAt < SYNC_BYTES) return
    this.syncedAt = this.written
    const previous = this.syncing
    this.syncing = previous.then(() => this.fh.datasync())
    this.syncing.catch(() => undefined)
  }
}

async function writeAll(fh: FileHandle, chunk: Uint8Array, pos: number): Promise<void> {
  let off = 0
  while (off < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.length - off, pos + off)
    off += bytesWritten
  }
}
