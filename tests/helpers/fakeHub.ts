import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface HubFile {
  repo: string
  revision?: string
  file: string
  bytes: Uint8Array
  /** Only requests with `Authorization: Bearer <token>` get it (a gated repository). */
  token?: string
}

/**
 * A local server with Hugging Face's download layout and headers: `/<owner>/<repo>/resolve/<rev>/<file>`
 * answers 302 to a "CDN" path on the same server with `X-Linked-Etag` (the sha256), `X-Linked-Size`
 * and `ETag`; the CDN path serves the bytes with `Content-Length`, `Accept-Ranges` and Range support.
 * Faults: cut the connection after some bytes, send wrong bytes, answer Range requests with the whole
 * file, slow the body down.
 */
export class FakeHub {
  url = ''
  readonly requests: { path: string; range?: string; authorization?: string; host?: string }[] = []
  /** Cut the next responses' bodies after this many bytes (one entry per response, consumed in order). */
  cutAfter: number[] = []
  /** Flip one byte of what is served (the advertised sha256 stays the true one). */
  corrupt = false
  /** Ignore Range headers (a server that cannot resume). */
  noRanges = false
  /** Leave out X-Linked-Etag (a file the hub gives no hash for). */
  noHash = false
  /** Bytes per write and a pause between writes, to make downloads slow enough to cancel. */
  throttle: { chunk: number; delayMs: number } | undefined
  /** Host name the redirect sends the client to (another origin than the hub's, like a real CDN). */
  cdnHost: string | undefined
  private readonly files = new Map<string, HubFile>()
  private readonly hashes = new WeakMap<Uint8Array, string>()
  private readonly gitHashes = new WeakMap<Uint8Array, string>()
  private readonly server: Server
  private readonly sockets = new Set<Socket>()

  constructor(files: HubFile[]) {
    for (const f of files) this.files.set(`${f.repo}/resolve/${f.revision ?? 'main'}/${f.file}`, f)
    this.server = createServer((req, res) => void this.handle(req, res))
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
  }

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex')
  }

  private hashOf(bytes: Uint8Array): string {
    let h = this.hashes.get(bytes)
    if (!h) {
      h = FakeHub.sha256(bytes)
      this.hashes.set(bytes, h)
    }
    return h
  }

  /** The sha1 the hub puts in `ETag` for the file, once per file (a 256 MB file takes ~0.2 s). */
  private gitHashOf(bytes: Uint8Array): string {
    let h = this.gitHashes.get(bytes)
    if (!h) {
      h = createHash('sha1').update(bytes).digest('hex')
      this.gitHashes.set(bytes, h)
    }
    return h
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    this.requests.push({
      path,
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers.host ? { host: req.headers.host } : {}),
    })
    if (path.startsWith('/cdn/')) return this.serveBytes(req, res, path.slice('/cdn/'.length))
    const f = this.files.get(path.slice(1))
    if (!f) {
      res.writeHead(404, { 'content-type': 'text/plain', 'x-error-code': 'EntryNotFound' })
      res.end('Entry not found')
      return
    }
    if (f.token && req.headers.authorization !== `Bearer ${f.token}`) {
      res.writeHead(401, { 'content-type': 'text/plain' })
      res.end('Access to model is restricted')
      return
    }
    const sha = this.hashOf(f.bytes)
    const headers: Record<string, string> = {
      location: `${this.cdnHost ? `http://${this.cdnHost}:${new URL(this.url).port}` : ''}/cdn/${encodeURIComponent(path.slice(1))}?sig=signed`,
      etag: `"${this.gitHashOf(f.bytes)}"`,
      'x-linked-size': String(f.bytes.length),
      'x-repo-commit': '0'.repeat(40),
    }
    if (!this.noHash) headers['x-linked-etag'] = `"${sha}"`
    res.writeHead(302, headers)
    res.end()
  }

  private async serveBytes(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    const f = this.files.get(key)
    if (!f) {
      res.writeHead(404)
      res.end()
      return
    }
    let bytes = Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength)
    if (this.corrupt) {
      bytes = Buffer.from(bytes)
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff
    }
    let start = 0
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'accept-ranges': this.noRanges ? 'none' : 'bytes',
      etag: this.noHash ? `"${this.gitHashOf(f.bytes)}"` : `"${this.hashOf(f.bytes)}"`,
    }
    if (m && !this.noRanges) {
      start = Number(m[1])
      if (start >= bytes.length) {
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` })
        res.end()
        return
      }
      headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`
    }
    const body = bytes.subarray(start)
    headers['content-length'] = String(body.length)
    res.writeHead(m && !this.noRanges ? 206 : 200, headers)
    const cut = this.cutAfter.shift()
    const end = cut === undefined ? body.length : Math.min(cut, body.length)
    const step = this.throttle?.chunk ?? 64 * 1024
    for (let off = 0; off < end; off += step) {
      if (res.destroyed) return
      const ok = res.write(body.subarray(off, Math.min(off + step, end)))
      if (this.throttle) await new Promise((r) => setTimeout(r, this.throttle?.delayMs))
      else if (!ok) await new Promise((r) => res.once('drain', r))
    }
    if (cut !== undefined && cut < body.length) {
      // Deliver what was written, then close: the client sees a body shorter than Content-Length.
      res.socket?.destroySoon()
      return
    }
    res.end()
  }
}
