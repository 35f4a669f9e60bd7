import { mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Core } from '../../src/main/core/createCore'
import { startServer, type RunningServer } from '../../src/main/server/hearthServer'
import { HearthError } from '../../src/shared/errors'
import { connectContract, rawCall } from '../helpers/wsClient'

function httpStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => {
      ws.close()
      resolve('open')
    })
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.once('error', () => resolve(0))
  })
}

describe('contract over the real WebSocket transport', () => {
  let core: Core
  let server: RunningServer
  let base: string

  beforeAll(async () => {
    const ws = mkdtempSync(join(tmpdir(), 'hearth-ws-'))
    writeFileSync(join(ws, 'hello.txt'), 'hi\n')
    core = await Core.create({ dataDir: mkdtempSync(join(tmpdir(), 'hearth-data-')), workspace: ws })
    server = await startServer({ core, port: 0 })
    base = `http://127.0.0.1:${server.port}`
  })

  afterAll(async () => {
    await server.close()
    await core.dispose()
  })

  it('a second server on a taken port says so and what to do', async () => {
    const err = await startServer({ core, port: server.port }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    )
    expect(err?.code).toBe('busy')
    expect(err?.message).toMatch(/already in use .*choose another --port/)
  })

  it('answers a valid call and validates the result', async () => {
    const c = await connectContract(server.url)
    const r = await c.client.call('app.ping', { echo: 'x' })
    expect(r.echo).toBe('x')
    const file = await c.client.call('file.read', { path: 'hello.txt' })
    expect(file.text).toBe('hi\n')
    c.close()
  })

  it('rejects malformed arguments with a clear error naming the field', async () => {
    const c = await connectContract(server.url)
    const reply = await rawCall(c.ws, { t: 'call', id: 7, method: 'workspace.list', args: { dir: 42 } }, 7)
    expect(reply.t).toBe('err')
    if (reply.t !== 'err') return
    expect(reply.error.code).toBe('invalid_argument')
    expect(reply.error.message).toMatch(/workspace\.list: dir: .*string/i)
    c.close()
  })

  it('refuses unknown methods', async () => {
    const c = await connectContract(server.url)
    const reply = await rawCall(c.ws, { t: 'call', id: 8, method: 'fs.rmrf', args: {} }, 8)
    expect(reply).toMatchObject({ t: 'err', error: { code: 'unknown_method' } })
    c.close()
  })

  it('answers garbage with an error instead of dropping the connection', async () => {
    const c = await connectContract(server.url)
    const reply = await rawCall(c.ws, { t: 'call', id: 9 }, 9)
    expect(reply).toMatchObject({ t: 'err', error: { code: 'invalid_argument' } })
    expect(await c.client.call('app.ping', {})).toMatchObject({ echo: 'pong' })
    c.close()
  })

  it('validates on the client too, before anything is sent', async () => {
    const c = await connectContract(server.url)
    // @ts-expect-error deliberately wrong type
    await expect(c.client.call('file.read', { path: 5 })).rejects.toBeInstanceOf(HearthError)
    c.close()
  })

  it('refuses paths outside the workspace through the API', async () => {
    const c = await connectContract(server.url)
    await expect(c.client.call('file.read', { path: '../outside.txt' })).rejects.toMatchObject({
      code: 'forbidden',
    })
    c.close()
  })

  it('requires the token on data routes: 401 without, with a wrong one, or in the query', async () => {
    expect(await httpStatus(`${base}/metrics`)).toBe(401)
    expect(await httpStatus(`${base}/metrics?token=${server.token}`)).toBe(401)
    expect(await httpStatus(`${base}/metrics`, { authorization: 'Bearer wrong' })).toBe(401)
    expect(await httpStatus(`${base}/metrics`, { authorization: `Bearer ${server.token}` })).toBe(200)
  })

  it('requires the token on the WebSocket: a wrong one or none closes it (4401)', async () => {
    const closeCode = (token: string | undefined): Promise<number> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc`)
        ws.once('open', () => ws.send(token === undefined ? '{}' : JSON.stringify({ t: 'auth', token })))
        ws.once('close', (code) => resolve(code))
        ws.once('error', () => resolve(0))
      })
    expect(await closeCode(undefined)).toBe(4401)
    expect(await closeCode('nope')).toBe(4401)
    const c = await connectContract(server.url)
    expect(await c.client.call('app.ping', {})).toMatchObject({ echo: 'pong' })
    c.close()
  })

  it('checks Origin and Host (DNS rebinding, cross-site pages)', async () => {
    const ws = `ws://127.0.0.1:${server.port}/rpc`
    expect(await wsStatus(ws, { origin: 'http://evil.example' })).toBe(403)
    expect(await wsStatus(ws, { origin: `http://127.0.0.1:${server.port}` })).toBe('open')
    expect(await httpStatus(`${base}/`, { host: `evil.example:${server.port}` })).toBe(403)
  })

  it('aborts the handler when the client cancels', async () => {
    const c = await connectContract(server.url)
    const ac = new AbortController()
    const p = c.client.call('workspace.files', {}, { signal: ac.signal })
    ac.abort()
    await expect(p).rejects.toMatchObject({ code: 'cancelled' })
    c.close()
  })
})
