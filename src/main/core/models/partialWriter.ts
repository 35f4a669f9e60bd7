import type { FileHandle } from 'node:fs/promises'

/** Bytes gathered before each write to the partial file. */
const WRITE_BYTES = 4 * 1024 * 1024
/** Blocks that may be waiting for the disk before the download waits for them. */
const QUEUED_BLOCKS = 3
/** Written bytes between flushes to the disk while the download runs. */
const SYNC_BYTES = 16 * 1024 * 1024

/**
 * Writes a download to its partial file in large writes, one in flight while the next is being
 * received: one awaited write per network chunk (tens of KB) held the download to a fraction of
 * curl's speed on the same file. The network chunks go to the disk as they are, in one `writev`
 * per block: gathering them into one buffer first cost a copy and a fresh 4 MB allocation per block
 * (page faults, garbage collection), a measurable share of the download's CPU. At most
 * QUEUED_BLOCKS + 1 blocks (≈16 MB) are held.
 */
export class PartialWriter {
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  /** The last block's write; each block's write starts after the one before it. */
  private chain: Promise<void> = Promise.resolve()
  /** Blocks handed to the disk and not yet known to be written. */
  private blocks: Promise<void>[] = []
  /** End of what has been handed to the disk (written or being written). */
  private queuedEnd: number
  /** Bytes confirmed on disk: where a resume would start. */
  written: number
  private syncedAt: number
  private syncing: Promise<void> = Promise.resolve()

  /**
   * `onChunk` sees each chunk as it is pushed, in file order (the download's hash reads them there,
   * while the chunk is still in the CPU's cache and the previous block is being written beside it).
   */
  constructor(
    private readonly fh: FileHandle,
    start: number,
    private readonly onChunk: (buf: Uint8Array) => void = () => undefined,
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
    this.onChunk(chunk)
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes >= WRITE_BYTES) await this.handOff()
  }

  /** Writes everything received; throws the first write failure. */
  async finish(): Promise<void> {
    await this.handOff()
    this.blocks = []
    await this.chain
    await this.syncing
  }

  private async handOff(): Promise<void> {
    if (this.pendingBytes === 0) return
    const bufs = this.pending
    const bytes = this.pendingBytes
    const at = this.queuedEnd
    this.queuedEnd += bytes
    this.pending = []
    this.pendingBytes = 0
    // Written in order, one at a time; a failed write fails the ones after it.
    const block = this.chain
      .then(() => writeAll(this.fh, bufs, at))
      .then(() => {
        this.written = at + bytes
        this.flushNow()
      })
    // Seen here so a failure is not "unhandled" before a later push or finish awaits it.
    block.catch(() => undefined)
    this.chain = block
    this.blocks.push(block)
    // A few blocks may wait for the disk while the next are received: a write that stalls (the
    // file system committing a flush) then does not stall the download. Awaiting the oldest
    // surfaces a write failure.
    while (this.blocks.length > QUEUED_BLOCKS) await this.blocks.shift()
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

/** Writes `bufs` at `pos`, going on after a short write from where it stopped. */
async function writeAll(fh: FileHandle, bufs: Uint8Array[], pos: number): Promise<void> {
  let rest = bufs
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest, pos)
    pos += bytesWritten
    rest = skip(rest, bytesWritten)
  }
}

/** `bufs` less its first `n` bytes. */
export function skip(bufs: Uint8Array[], n: number): Uint8Array[] {
  let i = 0
  while (i < bufs.length && n >= (bufs[i] as Uint8Array).length) n -= (bufs[i++] as Uint8Array).length
  const rest = bufs.slice(i)
  const first = rest[0]
  if (first && n > 0) rest[0] = first.subarray(n)
  return rest
}
