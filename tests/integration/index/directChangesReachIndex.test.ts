import { mkdirSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventBus } from '../../../src/main/core/base/eventBus'
import { FakeChangeSource } from '../../../src/main/core/files/fakeChangeSource'
import { IgnoreRules } from '../../../src/main/core/files/ignoreRules'
import { PathGuard } from '../../../src/main/core/files/pathGuard'
import { IndexService } from '../../../src/main/core/index/indexService'
import { searchHandlers } from '../../../src/main/core/index/searchHandlers'
import { DirectChanges } from '../../../src/main/core/workspace/directChanges'
import {
  renameIn,
  type EntryHost,
  type EntrySession,
} from '../../../src/main/core/workspace/workspaceEntries'
import { tempDir, until } from './cliHelpers'

const SLOW = 240_000
const ctx = { signal: new AbortController().signal, transport: 'local' as const }

// The explorer's own operations reach the index without the watcher: here the watcher is a fake
// that holds every batch back for the whole test (as if its delay were endless), so whatever the
// index learns comes from the operation itself, through DirectChanges. Files, index and PGlite are
// real.
describe("the explorer's renames reach the index without the watcher", () => {
  const tmp = tempDir('direct')
  const root = join(tmp.dir, 'ws')
  const watcher = new FakeChangeSource()
  const changes = new DirectChanges(watcher)
  let opened: ((info: { root: string }) => void) | undefined
  let session: EntrySession
  const host: EntryHost = {
    events: new EventBus(),
    trash: { trash: () => Promise.reject(new Error('not used here')) },
    isCurrent: () => true,
  }
  const service = new IndexService({
    events: new EventBus(),
    dataDir: join(tmp.dir, 'data'),
    embedder: 'none',
    workspace: {
      rules: null,
      watcher: changes,
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
    mkdirSync(join(root, 'src', 'lib'), { recursive: true })
    writeFileSync(join(root, 'src', 'lib', 'a.ts'), 'export function zebraQuokka() {\n  return 1\n}\n')
    const real = realpathSync(root)
    session = { guard: new PathGuard(real), rules: new IgnoreRules(real), known: new Map(), changes }
    opened?.({ root: real })
    await service.ready()
    await until('first scan', async () =>
      (await handlers['index.status']({}, ctx)).files === 1 ? true : undefined,
    )
    watcher.pause() // from here on the watcher delivers nothing
  }, SLOW)
  afterAll(async () => {
    await service.dispose()
    tmp.cleanup()
  })

  it(
    'a renamed folder, then a renamed file, are searched at their new paths with the watcher silent',
    async () => {
      await renameIn(host, session, 'src/lib', 'src/core')
      await until('renamed file searched at its new path', async () => {
        const found = await fts('zebraQuokka')
        return found.length === 1 && found[0] === 'src/core/a.ts' ? true : undefined
      })

      await renameIn(host, session, 'src/core/a.ts', 'top.ts')
      await until('renamed file searched at its new path', async () => {
        const found = await fts('zebraQuokka')
        return found.length === 1 && found[0] === 'top.ts' ? true : undefined
      })
      // The watcher's batches were held back all along: none of this came from it.
      expect(await fts('zebraQuokka')).toEqual(['top.ts'])
      expect((await handlers['index.status']({}, ctx)).files).toBe(1)
    },
    SLOW,
  )
})
