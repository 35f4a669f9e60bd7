import { HearthError } from '@shared/errors'

/** Longest chunk-size line (with extensions) or trailer line accepted. */
const MAX_LINE = 4096

/**
 * Decodes an HTTP/1.1 `Transfer-Encoding: chunked` body fed in arbitrary pieces, handing the data
 * out as views of what it is fed (no copies). `ended` once the last chunk and the trailers came.
 */
export class ChunkedDecoder {
  ended = false
  private state: 'size' | 'data' | 'dataEnd' | 'trailer' = 'size'
  private line = ''
  private left = 0

  constructor(private readonly label: string) {}

  feed(bytes: Uint8Array, out: (data: Uint8Array) => void): void {
    let i = 0
    while (i < bytes.length && !this.ended) {
      if (this.state === 'data') {
        const n = Math.min(this.left, bytes.length - i)
        out(bytes.subarray(i, i + n))
        i += n
        this.left -= n
        if (this.left === 0) this.state = 'dataEnd'
        continue
      }
      const nl = bytes.indexOf(0x0a, i)
      const end = nl < 0 ? bytes.length : nl
      this.line += Buffer.from(bytes.buffer, bytes.byteOffset + i, end - i).toString('latin1')
      if (this.line.length > MAX_LINE) throw this.malformed()
      i = end
      if (nl < 0) continue
      i++
      const line = this.line.replace(/\r$/, '')
      this.line = ''
      if (this.state === 'dataEnd') {
        if (line !== '') throw this.malformed()
        this.state = 'size'
      } else if (this.state === 'size') {
        const size = /^([0-9a-fA-F]+)(?:;.*)?$/.exec(line)
        if (!size?.[1]) throw this.malformed()
        this.left = parseInt(size[1], 16)
        if (!Number.isSafeInteger(this.left)) throw this.malformed()
        this.state = this.left === 0 ? 'trailer' : 'data'
      } else if (line === '') this.ended = true
    }
  }

  private malformed(): HearthError {
    return new HearthError('unavailable', `${this.label}: malformed chunked body`, { reason: 'malformed' })
  }
}
