import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Core } from '../../src/main/core/createCore'
import type { ConnectionLimits } from '../../src/main/server/connectionGuard'
import { startServer, type RunningServer } from '../../src/main/server/hearthServer'
import { connectContract } from '../helpers/wsClient'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

interface Probe {
  socket: Socket
  connectedAt: number
  closed: boolean
  closedAt: number
}

/** How long a probe lived (until now if still open). */
const lifetime = (p: Probe): number => (p.closed ? p.closedAt : Date.now()) - p.connectedAt

const opened: Socket[] = []
afterEach(() => {
  for (const s of opened.splice(0)) s.destroy()
})

/** A raw TCP connection that says nothing (or what `send` writes), and notes when it is closed. */
async function rawSocket(port: number, send?: string): Promise<Probe> {
  const socket = connect(port, '127.0.0.1')
  opened.push(socket)
  const p: Probe = { socket, connectedAt: Date.now(), closed: false, closedAt: 0 }
  socket.on('error', () => undefined)
  // Read (and drop) what comes, or a paused socket would never notice the server's FIN.
  socket.resume()
  const closed = (): void => {
    if (p.closed) return
    p.closed = true
    p.closedAt = Date.now()
  }
  socket.on('end', closed)
  socket.on('close', closed)
  await new Promise<void>((resolve) => {
    socket.once('connect', () => {
      p.connectedAt = Date.now()
      resolve()
    })
    socket.once('close', () => resolve())
  })
  if (send !== undefined && !p.closed) socket.write(send)
  return p
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await sleep(20)
  return cond()
}

async function serverWith(limits: Partial<ConnectionLimits>): Promise<{ core: Core; server: RunningServer }> {
  const ws = mkdtempSync(join(tmpdir(), 'hearth-limits-ws-'))
  writeFileSync(join(ws, 'a.txt'), 'a\n')
  const rendererDir = mkdtempSync(join(tmpdir(), 'hearth-limits-renderer-'))
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Hearth</title>\n')
  const core = await Core.create({
    dataDir: mkdtempSync(join(tmpdir(), 'hearth-limits-data-')),
    workspace: ws,
  })
  const server = await startServer({ core, port: 0, rendererDir, limits })
  return { core, server }
}

/**
 * 19,900 idle sockets from any local user once made saves fail (EMFILE): connections that have
 * not shown the token are few (the oldest makes room for a new one) and short-lived (a deadline to
 * send a request, and for a WebSocket to send its token); authenticated WebSockets are untouched.
 */
describe('hearth serve: connections before the token check', () => {
  const DEADLINE = 2000
  const CAP = 8
  let core: Core
  let server: RunningServer

  beforeAll(async () => {
    ;({ core, server } = await serverWith({ maxPending: CAP, deadlineMs: DEADLINE }))
  })

  afterAll(async () => {
    await server.close()
    await core.dispose()
  })

  it('idle sockets beyond the cap are closed at once, the rest by the deadline; the token still gets in', async () => {
    const authed = await connectContract(server.url)
    const idle: Probe[] = []
    for (let i = 0; i < 4 * CAP; i++) idle.push(await rawSocket(server.port))
    // All but the newest CAP were closed to make room, each well before its deadline (timings are
    // per socket: opening them all can take longer than the deadline on a busy machine).
    expect(await until(() => idle.filter((p) => !p.closed).length <= CAP, 2000)).toBe(true)
    expect(idle.filter((p) => p.closed && lifetime(p) < DEADLINE / 2).length).toBeGreaterThanOrEqual(2 * CAP)

    // Meanwhile the server answers whoever has the token: an HTTP route and a new WebSocket.
    const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`, {
      headers: { authorization: `Bearer ${server.token}` },
    })
    expect(metrics.status).toBe(200)
    await metrics.text()
    const second = await connectContract(server.url)
    expect((await second.client.call('app.ping', { echo: 'x' })).echo).toBe('x')
    second.close()

    // Those left are closed by the deadline, not kept for Node's 60 s default.
    expect(await until(() => idle.every((p) => p.closed), DEADLINE + 5000)).toBe(true)
    expect(Math.max(...idle.map(lifetime))).toBeLessThan(DEADLINE + 3000)

    // The authenticated WebSocket opened before all this is not affected, even past the deadline.
    await sleep(DEADLINE)
    expect(authed.ws.readyState).toBe(authed.ws.OPEN)
    expect((await authed.client.call('file.read', { path: 'a.txt' })).text).toBe('a\n')
    authed.close()
  })

  it('a request whose headers trickle in is closed by the deadline', async () => {
    const slow = await rawSocket(server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`)
    const drip = setInterval(() => slow.socket.write('X-Drip: 1\r\n'), 100)
    try {
      expect(await until(() => slow.closed, DEADLINE + 5000)).toBe(true)
      expect(lifetime(slow)).toBeGreaterThanOrEqual(DEADLINE - 100)
    } finally {
      clearInterval(drip)
    }
  })

  it('a WebSocket that never sends its token is closed by the deadline', async () => {
    const silent = new WebSocket(`ws://127.0.0.1:${server.port}/rpc`)
    let closedAt = 0
    silent.on('error', () => undefined)
    silent.on('close', () => (closedAt = Date.now()))
    await new Promise<void>((r) => silent.once('open', () => r()))
    const openedAt = Date.now()
    expect(await until(() => closedAt > 0, DEADLINE + 5000)).toBe(true)
    expect(closedAt - openedAt).toBeGreaterThanOrEqual(DEADLINE - 200)
  })
})

describe('hearth serve: a cap on all connections', () => {
  let core: Core
  let server: RunningServer

  beforeAll(async () => {
    ;({ core, server } = await serverWith({ maxPending: 100, maxConnections: 6, deadlineMs: 5000 }))
  })

  afterAll(async () => {
    await server.close()
    await core.dispose()
  })

  it('closes new connections beyond it at once', async () => {
    const probes: Probe[] = []
    for (let i = 0; i < 12; i++) probes.push(await rawSocket(server.port))
    expect(await until(() => probes.filter((p) => p.closed).length >= 6, 1000)).toBe(true)
    expect(probes.slice(0, 6).every((p) => !p.closed)).toBe(true)
  })
})
