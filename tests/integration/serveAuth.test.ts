import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Core } from '../../src/main/core/createCore'
import { startServer, type RunningServer } from '../../src/main/server/hearthServer'
import type { ServerMessage } from '../../src/shared/rpc/wire'
import { connectContract } from '../helpers/wsClient'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

type SocketOutcome =
  | { kind: 'closed'; code: number; reason: string; replies: ServerMessage[] }
  | { kind: 'refused'; status: number }

/**
 * Opens `/rpc` (headers as given), sends `first` then a ping, and reports what came back: the
 * ping's answer, or how the socket was closed (or the upgrade refused).
 */
function rpcAttempt(
  wsUrl: string,
  first: string | undefined,
  headers: Record<string, string> = {},
): Promise<SocketOutcome | { kind: 'answered'; reply: ServerMessage }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { headers })
    const replies: ServerMessage[] = []
    ws.once('unexpected-response', (_req, res) => resolve({ kind: 'refused', status: res.statusCode ?? 0 }))
    ws.on('error', () => undefined)
    ws.once('open', () => {
      if (first !== undefined) ws.send(first)
      ws.send(JSON.stringify({ t: 'call', id: 1, method: 'app.ping', args: { echo: 'hi' } }))
    })
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as ServerMessage
      replies.push(msg)
      if (msg.t === 'ok' && msg.id === 1) {
        ws.close()
        resolve({ kind: 'answered', reply: msg })
      }
    })
    ws.once('close', (code, reason) => resolve({ kind: 'closed', code, reason: reason.toString(), replies }))
  })
}

const auth = (token: string): string => JSON.stringify({ t: 'auth', token })

/**
 * The serve token never rides in a cookie (cookies are not port-scoped: the browser sent the old
 * `hearth_token` to every server on 127.0.0.1). The page's files load without it; every route
 * that reaches the workspace needs it as a Bearer header or as the WebSocket's first message.
 */
describe('hearth serve: where the token may travel', () => {
  let core: Core
  let server: RunningServer
  let base: string
  let wsUrl: string
  let rendererDir: string

  beforeAll(async () => {
    const ws = mkdtempSync(join(tmpdir(), 'hearth-auth-ws-'))
    writeFileSync(join(ws, 'secret.txt'), 'workspace data\n')
    rendererDir = mkdtempSync(join(tmpdir(), 'hearth-auth-renderer-'))
    mkdirSync(join(rendererDir, 'assets'))
    writeFileSync(
      join(rendererDir, 'index.html'),
      '<!doctype html><title>Hearth</title><div id="root"></div>\n',
    )
    writeFileSync(join(rendererDir, 'assets', 'app-1234.js'), 'console.log("app")\n')
    core = await Core.create({ dataDir: mkdtempSync(join(tmpdir(), 'hearth-auth-data-')), workspace: ws })
    server = await startServer({ core, port: 0, rendererDir })
    base = `http://127.0.0.1:${server.port}`
    wsUrl = `ws://127.0.0.1:${server.port}/rpc`
  })

  afterAll(async () => {
    await server.close()
    await core.dispose()
  })

  it('prints the token in the URL fragment, which browsers send to no server', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`)
  })

  it('serves the page and its assets as they are on disk, without a token, and sets no cookie', async () => {
    const page = await get(`${base}/`)
    expect(page.status).toBe(200)
    expect(page.headers['set-cookie']).toBeUndefined()
    // Nothing is inlined: the bytes are the built file's (no workspace data, no token).
    expect(page.body).toBe(readFileSync(join(rendererDir, 'index.html'), 'utf8'))
    const asset = await get(`${base}/assets/app-1234.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers['set-cookie']).toBeUndefined()
    // The URL an older version printed still gets the page, and no cookie either.
    expect((await get(`${base}/?token=${server.token}`)).headers['set-cookie']).toBeUndefined()
  })

  it('refuses a data route that carries the token only in a cookie or the query', async () => {
    expect((await get(`${base}/metrics`, { cookie: `hearth_token=${server.token}` })).status).toBe(401)
    expect((await get(`${base}/metrics?token=${server.token}`)).status).toBe(401)
    expect((await get(`${base}/metrics`)).status).toBe(401)
    expect((await get(`${base}/metrics`, { authorization: 'Bearer wrong' })).status).toBe(401)
    expect((await get(`${base}/metrics`, { authorization: `Bearer ${server.token}` })).status).toBe(200)
  })

  it('tells the browser to delete a stale hearth_token cookie from an older version', async () => {
    const r = await get(`${base}/`, { cookie: `other=1; hearth_token=${server.token}` })
    expect(r.status).toBe(200)
    const cookies = [r.headers['set-cookie'] ?? []].flat()
    expect(cookies).toHaveLength(1)
    expect(cookies[0]).toMatch(/^hearth_token=;/)
    expect(cookies[0]).toMatch(/Max-Age=0/)
  })

  it('WebSocket: the token as the first message opens the session; calls right behind it are served', async () => {
    const r = await rpcAttempt(wsUrl, auth(server.token))
    expect(r).toMatchObject({ kind: 'answered', reply: { t: 'ok', id: 1, value: { echo: 'hi' } } })
    // The helper scripts and tests use does the same; a second socket (a reconnect) works too.
    for (let i = 0; i < 2; i++) {
      const c = await connectContract(server.url)
      expect((await c.client.call('file.read', { path: 'secret.txt' })).text).toBe('workspace data\n')
      c.close()
    }
  })

  it('WebSocket: a cookie, a query token, a wrong token or none are refused (4401), no call answered', async () => {
    const cookieOnly = await rpcAttempt(wsUrl, undefined, { cookie: `hearth_token=${server.token}` })
    expect(cookieOnly).toMatchObject({ kind: 'closed', code: 4401, replies: [] })
    if (cookieOnly.kind === 'closed') expect(cookieOnly.reason).toMatch(/unauthorized.*hearth serve printed/)
    const queryOnly = await rpcAttempt(`${wsUrl}?token=${server.token}`, undefined)
    expect(queryOnly).toMatchObject({ kind: 'closed', code: 4401, replies: [] })
    expect(await rpcAttempt(wsUrl, auth('wrong'))).toMatchObject({ kind: 'closed', code: 4401, replies: [] })
    expect(await rpcAttempt(wsUrl, 'not json')).toMatchObject({ kind: 'closed', code: 4401, replies: [] })
  })

  it('WebSocket: Origin and Host are still checked before the upgrade (DNS rebinding)', async () => {
    expect(await rpcAttempt(wsUrl, auth(server.token), { origin: 'http://evil.example' })).toEqual({
      kind: 'refused',
      status: 403,
    })
    expect(await rpcAttempt(wsUrl, auth(server.token), { host: `evil.example:${server.port}` })).toEqual({
      kind: 'refused',
      status: 403,
    })
    expect(
      await rpcAttempt(wsUrl, auth(server.token), { origin: `http://127.0.0.1:${server.port}` }),
    ).toMatchObject({ kind: 'answered' })
    expect((await get(`${base}/`, { host: `evil.example:${server.port}` })).status).toBe(403)
  })
})

/** `hearth serve --host 127.0.0.2` (Linux routes all of 127/8 to loopback) answers its own URL. */
describe.runIf(process.platform === 'linux')('hearth serve bound to another loopback address', () => {
  let core: Core
  let server: RunningServer

  beforeAll(async () => {
    const ws = mkdtempSync(join(tmpdir(), 'hearth-host-ws-'))
    const rendererDir = mkdtempSync(join(tmpdir(), 'hearth-host-renderer-'))
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Hearth</title>\n')
    core = await Core.create({ dataDir: mkdtempSync(join(tmpdir(), 'hearth-host-data-')), workspace: ws })
    server = await startServer({ core, host: '127.0.0.2', port: 0, rendererDir })
  })

  afterAll(async () => {
    await server.close()
    await core.dispose()
  })

  it('answers 200 to the URL it printed, and its WebSocket from its own page; refuses a foreign Host', async () => {
    expect((await get(server.url)).status).toBe(200)
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/#token=/)
    const origin = `http://127.0.0.2:${server.port}`
    const wsUrl = `ws://127.0.0.2:${server.port}/rpc`
    expect(await rpcAttempt(wsUrl, auth(server.token), { origin })).toMatchObject({ kind: 'answered' })
    expect((await get(server.url, { host: `evil.example:${server.port}` })).status).toBe(403)
    expect(await rpcAttempt(wsUrl, auth(server.token), { origin: 'http://evil.example' })).toEqual({
      kind: 'refused',
      status: 403,
    })
  })
})
