import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * Base of the fake inference servers used by the protocol tests. Each subclass speaks one real
 * wire format (Ollama NDJSON, OpenAI SSE, KServe v2 JSON/SSE) over real HTTP on 127.0.0.1; this
 * class adds the faults and byte-level framing the tests need:
 * - `split`: how the response body is cut into writes — naturally (one write per line/event),
 *   at one byte offset, or one byte per write;
 * - `fault`: hang (accept, read the request, never answer), stall (answer, stream k chunks,
 *   then go silent), an HTTP status with a body, or a reset mid-stream.
 */
export type Split = { mode: 'natural'; delayMs?: number } | { mode: 'at'; at: number } | { mode: 'bytes' }

export type Fault =
  | { kind: 'hang' }
  | { kind: 'stall'; afterChunks: number }
  | { kind: 'status'; status: number; body: string; contentType?: string }
  | { kind: 'reset'; afterChunks: number }

export interface Reply {
  status: number
  headers: Record<string, string>
  /** Framed body pieces (one NDJSON line, one SSE event, or the whole JSON). */
  chunks: string[]
}

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: unknown
}

export abstract class ProtocolServer {
  url = ''
  readonly requests: RecordedRequest[] = []
  split: Split = { mode: 'natural' }
  fault: Fault | undefined
  /** Connections accepted (keep-alive reuse shows as fewer connections than requests). */
  connections = 0
  /** Requests whose client went away before the reply finished (abort reached the server). */
  clientAborts = 0
  /** Bytes of the last complete (unfaulted) reply body, to enumerate split points. */
  lastBodyLength = 0
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  private readonly abortWaiters = new Set<() => void>()

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res))
    this.server.on('connection', (s: Socket) => {
      this.connections++
      this.sockets.add(s)
      s.setNoDelay(true)
      s.on('close', () => this.sockets.delete(s))
    })
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    const { port } = this.server.address() as AddressInfo
    this.url = `http://127.0.0.1:${port}`
    return this
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  reset(): void {
    this.requests.length = 0
    this.split = { mode: 'natural' }
    this.fault = undefined
  }

  /** Resolves at the next client abort (to measure abort latency at the server). */
  nextClientAbort(): Promise<void> {
    return new Promise((resolve) => this.abortWaiters.add(resolve))
  }

  protected abstract route(method: string, path: string, body: unknown): Reply | Promise<Reply>

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parts: Buffer[] = []
    for await (const c of req) parts.push(c as Buffer)
    const raw = Buffer.concat(parts).toString('utf8')
    let body: unknown = raw
    try {
      body = raw ? (JSON.parse(raw) as unknown) : undefined
    } catch {
      // keep raw text
    }
    const path = req.url ?? '/'
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body })
    let finished = false
    res.on('close', () => {
      if (!finished) {
        this.clientAborts++
        for (const w of this.abortWaiters) w()
        this.abortWaiters.clear()
      }
    })
    const fault = this.fault
    if (fault?.kind === 'hang') return // accept, read, never answer
    if (fault?.kind === 'status') {
      finished = true
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json; charset=utf-8' })
      res.end(fault.body)
      return
    }
    const reply = await this.route(req.method ?? 'GET', path, body)
    res.writeHead(reply.status, reply.headers)
    let chunks = reply.chunks
    if (fault?.kind === 'stall' || fault?.kind === 'reset') {
      chunks = chunks.slice(0, fault.afterChunks)
      for (const c of chunks) await write(res, c)
      if (fault.kind === 'reset') res.socket?.destroy()
      return // stall: headers and some chunks, then silence
    }
    const whole = Buffer.from(chunks.join(''), 'utf8')
    this.lastBodyLength = whole.length
    const split = this.split
    if (split.mode === 'natural') {
      for (const c of chunks) {
        if (res.destroyed) return
        await write(res, c)
        if (split.delayMs) await sleep(split.delayMs)
      }
    } else if (split.mode === 'at') {
      await write(res, whole.subarray(0, split.at))
      await sleep(2)
      await write(res, whole.subarray(split.at))
    } else {
      for (let i = 0; i < whole.length; i++) {
        if (res.destroyed) return
        await write(res, whole.subarray(i, i + 1))
        await new Promise((r) => setImmediate(r))
      }
    }
    finished = true
    res.end()
  }
}

function write(res: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  if (res.destroyed || (typeof chunk !== 'string' && chunk.length === 0)) return Promise.resolve()
  return new Promise((resolve) => res.write(chunk, () => resolve()))
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The tokens every fake server generates unless told otherwise: multi-byte characters included on purpose. */
export const DEFAULT_TOKENS = ['return', ' a', ' +', ' b', ' // é✓', ' 😀', ';', '\n', '}', '\n']

/** Applies stop strings and a token limit the way the real servers do (server-side). */
export function generate(
  tokens: readonly string[],
  maxTokens: number | undefined,
  stop: readonly string[] | undefined,
): { tokens: string[]; reason: 'stop' | 'length' } {
  const out: string[] = []
  let text = ''
  for (const t of tokens) {
    if (maxTokens !== undefined && out.length >= maxTokens) return { tokens: out, reason: 'length' }
    const next = text + t
    const hit = (stop ?? [])
      .map((s) => (s ? next.indexOf(s, Math.max(0, text.length - s.length + 1)) : -1))
      .filter((i) => i >= 0)
    if (hit.length > 0) {
      const cut = Math.min(...hit)
      const piece = next.slice(text.length, cut)
      if (piece) out.push(piece)
      return { tokens: out, reason: 'stop' }
    }
    out.push(t)
    text = next
  }
  return { tokens: out, reason: 'stop' }
}

/** Deterministic unit vector from a text (the fakes' "embedding model"). */
export function fakeEmbedding(text: string, dim = 8): number[] {
  const v: number[] = []
  let h = 2166136261
  for (let i = 0; i < dim; i++) {
    for (const ch of text + String(i)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619)
    v.push(((h >>> 0) % 2000) / 1000 - 1)
  }
  const n = Math.hypot(...v) || 1
  return v.map((x) => x / n)
}
