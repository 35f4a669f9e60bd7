import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { HttpClient } from './httpClient'

/**
 * A raw HTTP/1.1 server: answers each request on a connection with "ok", keeping it alive, and
 * treats the request numbered `dropAt` on its first connection as a server would treat a request
 * arriving on a socket it already closed as idle: it closes the connection without an answer.
 */
function server(dropAt: number): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0
  const srv = createServer((sock: Socket) => {
    const conn = ++connections
    let seen = 0
    sock.on('data', (d) => {
      for (const _ of d.toString('latin1').matchAll(/\r\n\r\n/g)) {
        seen++
        if (conn === 1 && seen === dropAt) {
          sock.destroy()
          return
        }
        sock.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok')
      }
    })
  })
  return new Promise((resolve) =>
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      resolve({
        server: srv,
        port: typeof addr === 'object' && addr ? addr.port : 0,
        connections: () => connections,
      })
    }),
  )
}

let open: { server: Server; client: HttpClient }[] = []
afterEach(async () => {
  for (const o of open) {
    o.client.dispose()
    await new Promise((r) => o.server.close(r))
  }
  open = []
})

describe('kept-alive sockets the server closed', () => {
  it('a request that meets a stale reused socket goes again on a new one', async () => {
    const s = await server(2)
    const client = new HttpClient()
    open.push({ server: s.server, client })
    const url = `http://127.0.0.1:${s.port}/`
    expect(await (await client.request(url)).text()).toBe('ok')
    // The second request reuses the kept-alive socket, which the server drops.
    expect(await (await client.request(url, { method: 'POST', body: '{}' })).text()).toBe('ok')
    expect(s.connections()).toBe(2)
  })

  it('a fresh connection closed without an answer is a failure, not a loop', async () => {
    const s = await server(1)
    const client = new HttpClient()
    open.push({ server: s.server, client })
    await expect(client.request(`http://127.0.0.1:${s.port}/`)).rejects.toMatchObject({ reason: 'reset' })
    expect(s.connections()).toBe(1)
  })
})
