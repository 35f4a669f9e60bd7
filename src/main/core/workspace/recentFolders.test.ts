import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_RECENT, RecentFolders } from './recentFolders'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-recent-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('RecentFolders', () => {
  it('keeps the most recent first, without duplicates, capped, across instances', async () => {
    const r = new RecentFolders(dir)
    for (let i = 0; i < MAX_RECENT + 3; i++) await r.add(`/p/${i}`)
    await r.add('/p/5')
    const list = await new RecentFolders(dir).list()
    expect(list[0]).toBe('/p/5')
    expect(list).toHaveLength(MAX_RECENT)
    expect(new Set(list).size).toBe(list.length)
    expect(list[1]).toBe(`/p/${MAX_RECENT + 2}`)
    expect(JSON.parse(readFileSync(join(dir, 'recent-folders.json'), 'utf8'))).toMatchObject({ version: 1 })
  })

  it('does not lose entries added concurrently', async () => {
    const r = new RecentFolders(dir)
    await Promise.all(['/a', '/b', '/c'].map((f) => r.add(f)))
    expect((await r.list()).sort()).toEqual(['/a', '/b', '/c'])
  })

  it('treats a corrupt or foreign file as empty and repairs it on the next add', async () => {
    writeFileSync(join(dir, 'recent-folders.json'), '{not json')
    const r = new RecentFolders(dir)
    expect(await r.list()).toEqual([])
    await r.add('/x')
    expect(await r.list()).toEqual(['/x'])
    writeFileSync(join(dir, 'recent-folders.json'), JSON.stringify({ folders: [1, '', '/ok', null] }))
    expect(await r.list()).toEqual(['/ok'])
  })

  it('removes an entry', async () => {
    const r = new RecentFolders(dir)
    await r.add('/a')
    await r.add('/b')
    await r.remove('/a')
    expect(await r.list()).toEqual(['/b'])
  })

  it('creates the state directory if missing, for the user only (0700, the list 0600)', async () => {
    const state = join(dir, 'nested', 'state')
    const r = new RecentFolders(state)
    await r.add('/a')
    expect(await r.list()).toEqual(['/a'])
    if (process.platform !== 'win32') {
      expect(statSync(state).mode & 0o777).toBe(0o700)
      expect(statSync(join(state, 'recent-folders.json')).mode & 0o777).toBe(0o600)
    }
  })
})
