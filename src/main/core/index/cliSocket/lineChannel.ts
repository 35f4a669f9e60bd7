import type { Socket } from 'node:net'

/**
 * One JSON message per line over a local stream socket: the framing of the index socket, both
 * sides. (JSON.stringify never writes a raw newline, so a line is exactly one message.) A line
 * longer than `maxLineBytes` ends the connection: nothing of ours sends one, and an unbounded
 * buffer is a way to exhaust memory.
 */
export class LineChannel {
  private buffered: Buffer[] = []
  private bufferedBytes = 0
  private receiver: ((msg: unknown) => void) | null = null

  constructor(
    readonly socket: Socket,
    public maxLineBytes: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
  }

  /** The single receiver of parsed lines (a line that is not JSON arrives as null). */
  onMessage(receive: (msg: unknown) => void): void {
    this.receiver = receive
  }

  send(msg: unknown): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(`${JSON.stringify(msg)}\n`)
  }

  private onData(chunk: Buffer): void {
    let start = 0
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl)
      start = nl + 1
      if (this.bufferedBytes + part.length > this.maxLineBytes) return this.tooLong()
      const line =
        this.buffered.length === 0
          ? part
          : Buffer.concat([...this.buffered, part], this.bufferedBytes + part.length)
      this.buffered = []
      this.bufferedBytes = 0
      this.deliver(line)
      // The receiver may have ended the connection (a wrong token): read nothing after it.
      if (this.socket.destroyed) return
    }
    const rest = chunk.subarray(start)
    if (rest.length === 0) return
    if (this.bufferedBytes + rest.length > this.maxLineBytes) return this.tooLong()
    this.buffered.push(rest)
    this.bufferedBytes += rest.length
  }

  private deliver(line: Buffer): void {
    let msg: unknown
    try {
      msg = JSON.parse(line.toString('utf8'))
    } catch {
      msg = null
    }
    this.receiver?.(msg)
  }

  private tooLong(): void {
    this.buffered = []
    this.bufferedBytes = 0
    this.socket.destroy()
  }
}
