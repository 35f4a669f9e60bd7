import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import { runCli, tempDir } from './cliHelpers'

const SLOW = 240_000

/**
 * A local server speaking Ollama's real /api/embed protocol ({model, input: string[]} →
 * {model, embeddings}); its vectors come from a real embedding function (the built-in hashing
 * embedder at 64 dimensions), so vector search over them is meaningful.
 */
function ollamaServer(): Promise<{
  server: Server
  url: string
  calls: { model: string; inputs: number }[]
}> {
  const model = new CodeHashEmbedder({ dimensions: 64 })
  const calls: { model: string; inputs: number }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/embed') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }))
        return
      }
      const parsed = JSON.parse(body) as { model: string; input: string | string[] }
      const input = Array.isArray(parsed.input) ? parsed.input : [parsed.input]
      calls.push({ model: parsed.model, inputs: input.length })
      const embeddings = input.map((t) => Array.from(model.embedOne(t)))
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ model: parsed.model, embeddings }))
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls }),
    ),
  )
}

describe('hearth index/search with a remote embedder (real HTTP, Ollama protocol)', () => {
  const tmp = tempDir('remote')
  const ws = join(tmp.dir, 'ws')
  let srv: Awaited<ReturnType<typeof ollamaServer>>
  beforeAll(async () => {
    mkdirSync(ws, { recursive: true })
    writeFileSync(
      join(ws, 'net.ts'),
      'export function parseHttpHeader(raw: string): string {\n  return raw.split(":")[0]\n}\n',
    )
    writeFileSync(join(ws, 'db.py'), 'def open_database(url):\n    return connect(url)\n')
    srv = await ollamaServer()
  })
  afterAll(async () => {
    await new Promise((r) => srv.server.close(r))
    tmp.cleanup()
  })

  it(
    'embeds through the server, records the model, and searches with it',
    async () => {
      const db = join(tmp.dir, 'db-ok')
      const env = { HEARTH_EMBED_URL: srv.url, HEARTH_EMBED_MODEL: 'nomic-embed-text' }
      const r = await runCli(['index', ws, '--db', db, '--embedder', 'ollama', '--json'], { env })
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject({
        files: 2,
        pendingEmbeddings: 0,
        embedder: 'ollama:nomic-embed-text',
      })
      expect(srv.calls.every((c) => c.model === 'nomic-embed-text')).toBe(true)
      const before = srv.calls.length
      const s = await runCli(
        ['search', '--db', db, '--mode', 'vector', '--json', 'open database connection'],
        { env },
      )
      expect(s.code, s.stderr).toBe(0)
      expect((JSON.parse(s.stdout) as { results: { path: string }[] }).results[0]?.path).toBe('db.py')
      expect(srv.calls.length).toBe(before + 1) // the query was embedded by the same server
    },
    SLOW,
  )

  it(
    'with no embedder reachable, indexes for full-text search and says so',
    async () => {
      const db = join(tmp.dir, 'db-down')
      const env = { HEARTH_EMBED_URL: 'http://127.0.0.1:9', HEARTH_EMBED_MODEL: 'm' }
      const r = await runCli(['index', ws, '--db', db, '--embedder', 'ollama', '--json'], { env })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toMatch(/embeddings not done: .*full-text search works/)
      expect(JSON.parse(r.stdout)).toMatchObject({ files: 2 })
      const s = await runCli(['search', '--db', db, '--json', 'parse http header'], { env })
      expect(s.code).toBe(0)
      expect((JSON.parse(s.stdout) as { results: { path: string }[] }).results[0]?.path).toBe('net.ts')
      expect(s.stderr).toMatch(/full-text results only/)
      const v = await runCli(['search', '--db', db, '--mode', 'vector', '--json', 'x'], { env })
      expect(v.code).toBe(1)
      expect(v.stderr).toMatch(/vector search unavailable/)
    },
    SLOW,
  )
})
