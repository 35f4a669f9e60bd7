import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeSampleWorkspace } from '../helpers/sampleWorkspace'
import { removeDir, startServe, tempDir } from '../helpers/serve'

/** A port free right now (the OS picks it), for restarting `hearth serve` on the same one. */
async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/** Whether the server takes this token (on a data route: the page itself needs none). */
const status = async (origin: string, token: string): Promise<number> =>
  (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status

/**
 * `hearth serve` keeps its token in the data directory: restarted on the same port, the URL the
 * user bookmarked (and an open page's reconnect) still works; `--new-token` locks the old one out.
 */
describe('hearth serve across restarts', () => {
  let parent = ''
  afterAll(async () => {
    if (parent) await removeDir(parent)
  })

  it('reuses the saved token; --new-token replaces it', async () => {
    parent = await tempDir('hearth-serve-restart-')
    const ws = join(parent, 'ws')
    const dataDir = join(parent, 'data')
    await writeSampleWorkspace(ws)
    const port = await freePort()

    const first = await startServe({ workspace: ws, dataDir, port })
    const token = first.token
    expect(await status(first.origin, token)).toBe(200)
    await first.stop()

    const second = await startServe({ workspace: ws, dataDir, port })
    try {
      expect(second.token).toBe(token)
      expect(await status(second.origin, token)).toBe(200)
    } finally {
      await second.stop()
    }

    const third = await startServe({ workspace: ws, dataDir, port, extraArgs: ['--new-token'] })
    try {
      expect(third.token).not.toBe(token)
      expect(await status(third.origin, token)).toBe(401)
      expect(await status(third.origin, third.token)).toBe(200)
    } finally {
      await third.stop()
    }
  }, 120_000)

  // Linux routes all of 127/8 to loopback; the Host check used to know only 127.0.0.1 and localhost.
  it.runIf(process.platform === 'linux')(
    '--host 127.0.0.2 answers its own URL and still refuses a foreign Host',
    async () => {
      const dir = await tempDir('hearth-serve-host-')
      const ws = join(dir, 'ws')
      await writeSampleWorkspace(ws)
      const served = await startServe({
        workspace: ws,
        dataDir: join(dir, 'data'),
        extraArgs: ['--host', '127.0.0.2'],
      })
      try {
        expect(served.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/#token=/)
        expect((await fetch(served.url)).status).toBe(200)
        expect(await status(served.origin, served.token)).toBe(200)
        const foreign = await new Promise<number>((resolve, reject) => {
          const req = request(served.url, { headers: { host: `evil.example:${served.port}` } }, (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          })
          req.on('error', reject)
          req.end()
        })
        expect(foreign).toBe(403)
      } finally {
        await served.stop()
        await removeDir(dir)
      }
    },
    60_000,
  )
})
