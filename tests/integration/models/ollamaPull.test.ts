import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { ModelManager } from '../../../src/main/core/models/modelManager'
import { HttpClient } from '../../../src/main/core/net/httpClient'

/** Ollama's `/api/pull` as the server streams it: a manifest line, per-layer progress, then success. */
function pullLines(model: string): object[] {
  if (model === 'no-such-model')
    return [{ status: 'pulling manifest' }, { error: 'pull model manifest: file does not exist' }]
  const layers = [
    { digest: 'sha256:aaa', total: 1_000_000 },
    { digest: 'sha256:bbb', total: 500 },
  ]
  const out: object[] = [{ status: 'pulling manifest' }]
  for (const l of layers)
    for (const completed of [0, l.total / 2, l.total])
      out.push({ status: `pulling ${l.digest.slice(7, 19)}`, digest: l.digest, total: l.total, completed })
  out.push({ status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' })
  return out
}

let server: Server
let url: string
let http: HttpClient
const bodies: unknown[] = []

beforeEach(async () => {
  bodies.length = 0
  server = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c.toString()))
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/pull') {
        res.writeHead(404).end()
        return
      }
      const body = JSON.parse(raw) as { model: string }
      bodies.push(body)
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      for (const l of pullLines(body.model)) res.write(`${JSON.stringify(l)}\n`)
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  http = new HttpClient()
})

afterEach(async () => {
  http.dispose()
  await new Promise<void>((r) => server.close(() => r()))
})

const manager = (offline = false): ModelManager =>
  new ModelManager({ http, modelsDir: '/nonexistent', offline: () => offline })

describe('ollama pull through /api/pull', () => {
  it('streams the layers’ progress and resolves on success', async () => {
    const seen: { status: string; bytes: number; totalBytes?: number; phase: string }[] = []
    await manager().pullOllama(url, 'qwen2.5-coder:0.5b', (p) => seen.push(p))
    expect(bodies).toEqual([{ model: 'qwen2.5-coder:0.5b', stream: true }])
    expect(seen.at(-1)).toMatchObject({
      phase: 'done',
      status: 'success',
      bytes: 1_000_500,
      totalBytes: 1_000_500,
    })
    expect(seen.some((p) => p.status.startsWith('verifying'))).toBe(true)
  })

  it('turns an error line into a clear failure', async () => {
    const err = await manager()
      .pullOllama(url, 'no-such-model')
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(err).toBeInstanceOf(HearthError)
    expect((err as HearthError).message).toMatch(/file does not exist/)
  })

  it('refuses in the offline profile without a request', async () => {
    const err = await manager(true)
      .pullOllama(url, 'qwen2.5-coder:0.5b')
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect((err as HearthError).message).toMatch(/offline profile/)
    expect(bodies).toHaveLength(0)
  })
})
