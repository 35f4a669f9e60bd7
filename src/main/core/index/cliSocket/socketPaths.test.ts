import { lstatSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { indexSocketPaths } from './socketPaths'

describe('indexSocketPaths', () => {
  it('puts the socket and its token beside the index', () => {
    const dir = '/home/u/.local/share/hearth/indexes/27c7bb2b9ffeb7e4'
    expect(indexSocketPaths(dir, 'linux')).toEqual({
      socket: join(dir, 'cli.sock'),
      token: join(dir, 'cli.token'),
    })
  })

  it('moves a socket whose path would not fit sun_path to a private folder of this user', () => {
    const dir = `/${'deep/'.repeat(20)}indexes/27c7bb2b9ffeb7e4`
    const { socket, token } = indexSocketPaths(dir, 'linux')
    expect(token).toBe(join(dir, 'cli.token'))
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(100)
    expect(dirname(socket)).toBe(join(tmpdir(), `hearth-${process.getuid?.() ?? 'user'}`))
    expect(lstatSync(dirname(socket)).mode & 0o777).toBe(0o700)
    // One index, one name; another index, another.
    expect(indexSocketPaths(dir, 'linux').socket).toBe(socket)
    expect(indexSocketPaths(`${dir}x`, 'linux').socket).not.toBe(socket)
  })

  it('names a pipe on Windows', () => {
    const { socket } = indexSocketPaths('C:\\Users\\u\\AppData\\Roaming\\Hearth\\indexes\\27c7', 'win32')
    expect(socket).toMatch(/^\\\\\.\\pipe\\hearth-[0-9a-f]{16}$/)
  })
})
