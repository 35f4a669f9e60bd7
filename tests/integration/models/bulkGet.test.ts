import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createServer as createTcpServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { bulkGet, type BodySink } from '../../../src/main/core/models/bulkGet'
import { HttpClient } from '../../../src/main/core/net/httpClient'

const servers: { close(): unknown }[] = []
const clients: HttpClient[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
  for (const c of clients.splice(0)) c.dispose()
})

async function listen(s: Server | ReturnType<typeof createTcpServer>): Promise<URL> {
  servers.push(s)
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  return new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}/f?x=1`)
}

function client(): HttpClient {
  const c = new HttpClient()
  clients.push(c)
  return c
}

const opts = { headers: {}, label: 'test', responseTimeoutMs: 5000, idleTimeoutMs: 5000 }

/** Keeps what it is given; says "full" every few calls and is ready again a moment later. */
function collector(): BodySink & { bytes: () => Buffer; calls: number } {
  const parts: Buffer[] = []
  let calls = 0
  return {
    take: (b) => {
      parts.push(Buffer.from(b))
      calls++
      return calls % 3 !== 0
    },
    ready: () => new Promise((r) => setTimeout(r, 1)),
    bytes: () => Buffer.concat(parts),
    get calls() {
      return calls
    },
  }
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

describe('bulkGet', () => {
  it('reads a Content-Length body whole, pausing while the sink is full, and sends the headers', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 17)
    let seen: Record<string, unknown> = {}
    const url = await listen(
      createServer((req, res) => {
        seen = { ...req.headers, url: req.url }
        res.writeHead(206, 'Partial', { 'content-length': body.length, 'x-linked-etag': '"abc"' })
        res.end(body)
      }),
    )
    const res = await bulkGet(client(), url, { ...opts, headers: { range: 'bytes=5-' } })
    expect(res.status).toBe(206)
    expect(res.statusText).toBe('Partial')
    expect(res.headers['x-linked-etag']).toBe('"abc"')
    const sink = collector()
    await res.pipe(sink)
    expect(sha(sink.bytes())).toBe(sha(body))
    expect(seen).toMatchObject({ range: 'bytes=5-', url: '/f?x=1' })
  })

  it('decodes a chunked body and one that ends with the connection', async () => {
    const parts = Array.from({ length: 40 }, (_, i) => randomBytes(1000 + i * 997))
    const chunkedUrl = await listen(
      createServer((_req, res) => {
        const write = (i: number): void => {
          if (i === parts.length) return void res.end()
          res.write(parts[i], () => write(i + 1))
        }
        write(0)
      }),
    )
    const c = collector()
    await (await bulkGet(client(), chunkedUrl, opts)).pipe(c)
    expect(sha(c.bytes())).toBe(sha(Buffer.concat(parts)))

    const raw = createTcpServer((s: Socket) => {
      s.once('data', () => s.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nx-a: 1\r\n\r\n'), ...parts])))
    })
    const c2 = collector()
    await (await bulkGet(client(), await listen(raw), opts)).pipe(c2)
    expect(sha(c2.bytes())).toBe(sha(Buffer.concat(parts)))
  })

  it('a body cut short fails as a reset, after handing out what came', async () => {
    const url = await listen(
      createTcpServer((s: Socket) => {
        s.once('data', () =>
          s.end(
            Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n'), randomBytes(400)]),
          ),
        )
      }),
    )
    const c = collector()
    const err = await (await bulkGet(client(), url, opts)).pipe(c).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HearthError)
    expect((err as HearthError).reason).toBe('reset')
    expect(c.bytes().length).toBe(400)
  })

  it('a stalled body fails as stalled; an abort cancels', async () => {
    const url = await listen(
      createTcpServer((s: Socket) => {
        s.once('data', () => s.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nabc'))
      }),
    )
    const stalled = await (
      await bulkGet(client(), url, { ...opts, idleTimeoutMs: 100 })
    )
      .pipe(collector())
      .catch((e: unknown) => e)
    expect((stalled as HearthError).reason).toBe('stalled')
    const ac = new AbortController()
    const res = await bulkGet(client(), url, { ...opts, signal: ac.signal })
    const piped = res.pipe(collector()).catch((e: unknown) => e)
    ac.abort()
    expect(((await piped) as HearthError).reason).toBe('cancelled')
  })

  it('a sink failure fails the body with that same error; malformed heads and policies refuse', async () => {
    const url = await listen(createServer((_req, res) => res.end(randomBytes(2 * 1024 * 1024))))
    const disk = Object.assign(new Error('no space'), { code: 'ENOSPC' })
    const res = await bulkGet(client(), url, opts)
    const err = await res
      .pipe({ take: () => false, ready: () => Promise.reject(disk) })
      .catch((e: unknown) => e)
    expect(err).toBe(disk)

    const bad = await listen(
      createTcpServer((s: Socket) => s.once('data', () => s.end('SPDY nonsense\r\n\r\n'))),
    )
    expect(((await bulkGet(client(), bad, opts).catch((e: unknown) => e)) as HearthError).reason).toBe(
      'malformed',
    )

    const refusing = new HttpClient({
      policy: {
        name: 'none',
        checkUrl: () => {
          throw new HearthError('forbidden', 'not here')
        },
        checkAddress: () => undefined,
      },
    })
    clients.push(refusing)
    await expect(bulkGet(refusing, url, opts)).rejects.toThrow('not here')
  })
})
