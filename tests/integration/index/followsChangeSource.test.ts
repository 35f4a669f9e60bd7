import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventBus } from '../../../src/main/core/base/eventBus'
import { FakeChangeSource } from '../../../src/main/core/files/fakeChangeSource'
import { IndexService } from '../../../src/main/core/index/indexService'
import { searchHandlers } from '../../../src/main/core/index/searchHandlers'
import { tempDir, until } from './cliHelpers'

const SLOW = 240_000
const ctx = { signal: new AbortController().signal, transport: 'local' as const }

// Watcher → indexer → store without chokidar's timing: the change source is a fake the test
// drives; the files, the indexer and PGlite are real.
describe('IndexService follows its change source', () => {
  const tmp = tempDir('changes')
  const root = join(tmp.dir, 'ws')
  const events = new EventBus()
  const source = new FakeChangeSource()
  let opened: ((info: { root: string }) => void) | undefined
  const service = new IndexService({
    events,
    dataDir: join(tmp.dir, 'data'),
    embedder: 'none',
    workspace: {
      rules: null,
      watcher: source,
      onDidOpen: (cb) => {
        opened = cb
        return () => (opened = undefined)
      },
    },
  })
  const handlers = searchHandlers(service)
  const fts = async (query: string): Promise<string[]> =>
    (await handlers['search.query']({ query, mode: 'fts' }, ctx)).results.map((r) => r.path)

  beforeAll(async () => {
    mkdirSync(join(root, 'src'), { recursive: true })
    writeFileSync(join(root, 'src', 'a.ts'), 'export function parseHeader(raw: string) {\n  return raw\n}\n')
    opened?.({ root })
    await service.ready()
    await until('first scan', async () =>
      (await handlers['index.status']({}, ctx)).files === 1 ? true : undefined,
    )
  }, SLOW)
  afterAll(async () => {
    await service.dispose()
    tmp.cleanup()
  })

  it(
    'a change on disk is searched only once its event arrives; created, changed and deleted all follow',
    async () => {
      expect(source.listenerCount).toBe(1)
      source.pause()
      writeFileSync(join(root, 'src', 'b.ts'), 'export const retryWithBackoff = () => 1\n')
      source.emit([{ path: 'src/b.ts', kind: 'created' }])
      // Held back: the file is on disk, but nothing told the index.
      await new Promise((r) => setTimeout(r, 300))
      expect(await fts('retryWithBackoff')).toEqual([])
      source.flush()
      await until('created file searchable', async () =>
        (await fts('retryWithBackoff')).includes('src/b.ts') ? true : undefined,
      )

      writeFileSync(join(root, 'src', 'b.ts'), 'export const scheduleJitter = () => 2\n')
      source.emit([{ path: 'src/b.ts', kind: 'changed' }])
      await until('changed file re-indexed', async () =>
        (await fts('scheduleJitter')).includes('src/b.ts') ? true : undefined,
      )
      expect(await fts('retryWithBackoff')).toEqual([])

      rmSync(join(root, 'src', 'b.ts'))
      source.emit([{ path: 'src/b.ts', kind: 'deleted' }])
      await until('deleted file gone', async () =>
        (await fts('scheduleJitter')).length === 0 ? true : undefined,
      )
      expect(await fts('parseHeader')).toEqual(['src/a.ts'])
    },
    SLOW,
  )
})
