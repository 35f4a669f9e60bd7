import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { IndexStatus } from '@shared/contract/search'
import { Dispatcher } from '../../rpc/dispatcher'
import type { Handlers } from '../../rpc/handlers'
import { serveIndexSocket } from './indexSocketServer'
import { indexSocketPaths } from './socketPaths'

const STATUS: IndexStatus = {
  state: 'ready',
  files: 3,
  chunks: 7,
  embedBacklog: 0,
  embedder: null,
  embedState: 'none',
  paused: false,
}
// A real dispatcher over a table with the one handler these tests call (the rest are never reached).
const dispatcher = new Dispatcher({ 'index.status': () => STATUS } as unknown as Handlers)

const dirs: string[] = []
function indexDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hearth-sock-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function until(what: string, f: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (f()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}

function ask(socket: string, lines: string[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const s = connect(socket)
    let text = ''
    s.on('connect', () => s.write(lines.map((l) => `${l}\n`).join('')))
    s.on('data', (d: Buffer) => {
      text += d.toString()
      if (text.endsWith('\n')) s.end()
    })
    s.on('error', reject)
    s.on('close', () =>
      resolve(
        text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as unknown),
      ),
    )
  })
}

describe('serveIndexSocket', () => {
  it('serves the contract after the token, from a 0600 socket it removes on dispose', async () => {
    const dir = indexDir()
    const paths = indexSocketPaths(dir)
    const served = serveIndexSocket({ dbDir: dir, dispatcher: () => dispatcher })
    await until('the socket', () => existsSync(paths.socket))
    await until('its mode', () => (statSync(paths.socket).mode & 0o777) === 0o600)
    expect(statSync(paths.token).mode & 0o777).toBe(0o600)
    const token = readFileSync(paths.token, 'utf8').trim()
    const replies = await ask(paths.socket, [
      JSON.stringify({ t: 'auth', token }),
      JSON.stringify({ t: 'call', id: 1, method: 'index.status', args: {} }),
    ])
    expect(replies).toEqual([{ t: 'ok', id: 1, value: STATUS }])
    await served.dispose()
    expect(existsSync(paths.socket)).toBe(false)
    expect(existsSync(paths.token)).toBe(false)
  })

  it('leaves nothing behind when disposed before it finished binding', async () => {
    const dir = indexDir()
    const paths = indexSocketPaths(dir)
    await serveIndexSocket({ dbDir: dir, dispatcher: () => dispatcher }).dispose()
    await new Promise((r) => setTimeout(r, 100))
    expect(existsSync(paths.socket)).toBe(false)
    expect(existsSync(paths.token)).toBe(false)
  })

  it('mints a new token at every start', async () => {
    const dir = indexDir()
    const paths = indexSocketPaths(dir)
    const first = serveIndexSocket({ dbDir: dir, dispatcher: () => dispatcher })
    const a = readFileSync(paths.token, 'utf8')
    await first.dispose()
    const second = serveIndexSocket({ dbDir: dir, dispatcher: () => dispatcher })
    expect(readFileSync(paths.token, 'utf8')).not.toBe(a)
    await second.dispose()
  })
})
