import { spawnSync } from 'node:child_process'
import { mkdirSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { IgnoreRules } from '../../../src/main/core/files/ignoreRules'
import { SECRET_REASON } from '../../../src/main/core/files/indexExclusions'
import { OUTSIDE_LINK_REASON } from '../../../src/main/core/files/openInside'
import { WorkspaceWatcher } from '../../../src/main/core/files/workspaceWatcher'
import { search, type SearchBackend } from '../../../src/main/core/index/hybridSearch'
import { Indexer, type ScanSummary } from '../../../src/main/core/index/indexer'
import { IndexStore } from '../../../src/main/core/index/store/indexStore'
import { prepareBatch } from '../../../src/main/core/index/store/prepareBatch'
import { runCli, tempDir, until } from './cliHelpers'

const SLOW = 240_000

// Words that appear only in one file each, so a search for one says whether that file was read.
const OUTSIDE_FILE = 'quokkapasswdroot'
const OUTSIDE_DIR = 'wombatetcshadow'
const DEEP_OUTSIDE = 'numbatdeeplink'
const INSIDE = 'inwardbilby'
const DOTENV = 'kiwisecrettoken'
const DOTENV_EXAMPLE = 'emuplaceholder'
const OUR_TEMP = 'halfsavedplatypus'
const EDITOR_BACKUP = 'oldcassowary'

const backendOf = (store: IndexStore): SearchBackend => ({
  searchFts: (a) => store.call('searchFts', a),
  searchVector: () => Promise.resolve([]),
  nearestHashes: () => Promise.resolve([]),
  chunkTexts: (a) => store.call('chunkTexts', a),
})

/** Workspace + outside folder on a real file system; an index store and indexer over it (real PGlite). */
function setUp(name: string) {
  const tmp = tempDir(name)
  const ws = join(tmp.dir, 'ws')
  const out = join(tmp.dir, 'outside')
  mkdirSync(join(ws, 'src', 'deep'), { recursive: true })
  mkdirSync(join(out, 'etc'), { recursive: true })
  writeFileSync(join(out, 'passwd'), `root x 0 0 ${OUTSIDE_FILE}\n`)
  for (let i = 0; i < 5; i++) writeFileSync(join(out, 'etc', `conf${i}.txt`), `${OUTSIDE_DIR} ${i}\n`)
  writeFileSync(join(out, 'etc', 'deep.txt'), `${DEEP_OUTSIDE}\n`)
  writeFileSync(join(ws, 'src', 'a.ts'), `export const ${INSIDE} = 1\n`)
  return { tmp, ws, out }
}

async function openIndexer(ws: string, optIn: { value: boolean }) {
  const store = await IndexStore.open(null)
  const rules = new IgnoreRules(realpathSync(ws))
  const indexer = new Indexer(realpathSync(ws), store, rules, undefined, undefined, {
    includeSecretFiles: () => optIn.value,
  })
  const fts = async (q: string): Promise<string[]> =>
    (await search(backendOf(store), null, q, { mode: 'fts' })).results.map((r) => r.path)
  const paths = async (): Promise<string[]> => (await store.call('fileStates', {})).map((f) => f.path).sort()
  return { store, rules, indexer, fts, paths }
}

const reasonOf = (s: ScanSummary, path: string): string | undefined =>
  s.skipped.find((k) => k.path === path)?.reason

describe('the index stays inside the workspace (real walk, real PGlite)', () => {
  const { tmp, ws, out } = setUp('outside-walk')
  let ix: Awaited<ReturnType<typeof openIndexer>>
  const optIn = { value: false }

  beforeAll(async () => {
    symlinkSync(join(out, 'passwd'), join(ws, 'passwd')) // passwd -> /etc/passwd
    symlinkSync(join(out, 'etc'), join(ws, 'docs')) // docs -> /etc
    symlinkSync('../../../outside/etc/deep.txt', join(ws, 'src', 'deep', 'up.txt')) // relative, at depth
    symlinkSync(join(ws, 'src', 'a.ts'), join(ws, 'alias.ts')) // stays inside: followed
    writeFileSync(join(ws, '.env'), `API_TOKEN=${DOTENV}\n`)
    writeFileSync(join(ws, '.env.example'), `API_TOKEN=${DOTENV_EXAMPLE}\n`)
    writeFileSync(join(ws, 'id_ed25519'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${DOTENV}\n`)
    // atomicWrite's temp name (`.<name>.hearth-tmp-<hex>`) and editors' backups and swap files.
    writeFileSync(join(ws, 'src', '.a.ts.hearth-tmp-0123456789ab'), `export const ${OUR_TEMP} = 2\n`)
    writeFileSync(join(ws, 'src', 'a.ts~'), `export const ${EDITOR_BACKUP} = 0\n`)
    writeFileSync(join(ws, 'src', '.#a.ts'), `${EDITOR_BACKUP}\n`)
    writeFileSync(join(ws, 'src', '.a.ts.swp'), `${EDITOR_BACKUP}\n`)
    writeFileSync(join(ws, 'src', '4913'), `${EDITOR_BACKUP}\n`)
    ix = await openIndexer(ws, optIn)
  }, SLOW)
  afterAll(async () => {
    ix?.indexer.dispose()
    await ix?.store.close()
    tmp.cleanup()
  })

  it(
    'skips links out of the workspace with the reason, never reading them; follows links inside',
    async () => {
      const s = await ix.indexer.fullScan()
      expect(reasonOf(s, 'passwd')).toBe(OUTSIDE_LINK_REASON)
      expect(reasonOf(s, 'docs')).toBe(OUTSIDE_LINK_REASON)
      expect(reasonOf(s, 'src/deep/up.txt')).toBe(OUTSIDE_LINK_REASON)
      expect(await ix.fts(OUTSIDE_FILE)).toEqual([])
      expect(await ix.fts(OUTSIDE_DIR)).toEqual([])
      expect(await ix.fts(DEEP_OUTSIDE)).toEqual([])
      expect((await ix.paths()).filter((p) => p.startsWith('docs/') || p === 'passwd')).toEqual([])
      expect((await ix.fts(INSIDE)).sort()).toEqual(['alias.ts', 'src/a.ts'])
    },
    SLOW,
  )

  it('leaves out temp and backup files of a save in progress, silently', async () => {
    const s = await ix.indexer.fullScan()
    expect(await ix.fts(OUR_TEMP)).toEqual([])
    expect(await ix.fts(EDITOR_BACKUP)).toEqual([])
    expect(await ix.paths()).toEqual(['.env.example', 'alias.ts', 'src/a.ts'])
    expect(s.skipped.map((k) => k.path)).not.toContain('src/a.ts~')
  })

  it(
    'skips secret-looking files visibly, and indexes them once index.includeSecretFiles opts in',
    async () => {
      const s = await ix.indexer.fullScan()
      expect(reasonOf(s, '.env')).toBe(SECRET_REASON)
      expect(reasonOf(s, 'id_ed25519')).toBe(SECRET_REASON)
      expect(SECRET_REASON).toContain('index.includeSecretFiles')
      expect(await ix.fts(DOTENV)).toEqual([])
      expect(await ix.fts(DOTENV_EXAMPLE)).toEqual(['.env.example'])

      optIn.value = true
      const opted = await ix.indexer.fullScan()
      expect(reasonOf(opted, '.env')).toBeUndefined()
      expect((await ix.fts(DOTENV)).sort()).toEqual(['.env', 'id_ed25519'])

      // Opting out again takes them out of the index at the next scan.
      optIn.value = false
      const back = await ix.indexer.fullScan()
      expect(back.removed).toBe(2)
      expect(await ix.fts(DOTENV)).toEqual([])
    },
    SLOW,
  )
})

describe('the prepare worker checks each file where it reads it', () => {
  const { tmp, ws, out } = setUp('outside-read')
  afterAll(() => tmp.cleanup())
  const root = realpathSync(ws)

  it('refuses a file swapped for a link out (at the file or at a folder above it) after the walk', () => {
    // What the walk listed: two ordinary files and a folder.
    writeFileSync(join(ws, 'swapped.ts'), 'export const fine = 1\n')
    mkdirSync(join(ws, 'lib'))
    writeFileSync(join(ws, 'lib', 'conf0.txt'), 'fine\n')
    const listed = [
      { path: 'swapped.ts', size: 22, mtimeMs: 1 },
      { path: 'lib/conf0.txt', size: 5, mtimeMs: 1 },
      { path: 'src/a.ts', size: 27, mtimeMs: 1 },
    ]
    // Swapped before the read.
    unlinkSync(join(ws, 'swapped.ts'))
    symlinkSync(join(out, 'passwd'), join(ws, 'swapped.ts'))
    rmSync(join(ws, 'lib'), { recursive: true })
    symlinkSync(join(out, 'etc'), join(ws, 'lib'))

    const b = prepareBatch(root, listed, () => undefined)
    expect(b.prepared.map((p) => p.cand.path)).toEqual(['src/a.ts'])
    expect(b.result.skipped).toEqual([
      { path: 'swapped.ts', reason: OUTSIDE_LINK_REASON },
      { path: 'lib/conf0.txt', reason: OUTSIDE_LINK_REASON },
    ])
    expect(JSON.stringify(b)).not.toContain(OUTSIDE_FILE)
    expect(JSON.stringify(b)).not.toContain(OUTSIDE_DIR)
  })

  it.skipIf(process.platform === 'win32')('a file swapped for a FIFO is skipped, not waited on', () => {
    const made = spawnSync('mkfifo', [join(ws, 'pipe.ts')])
    if (made.status !== 0) return // no mkfifo here: nothing to check
    const b = prepareBatch(root, [{ path: 'pipe.ts', size: 10, mtimeMs: 1 }], () => undefined)
    expect(b.result.skipped).toEqual([{ path: 'pipe.ts', reason: 'not a regular file' }])
  })
})

describe('live changes through the watcher stay inside too (real chokidar, real PGlite)', () => {
  const { tmp, ws, out } = setUp('outside-live')
  let ix: Awaited<ReturnType<typeof openIndexer>>
  let watcher: WorkspaceWatcher
  const applying = new Set<Promise<void>>()

  beforeAll(async () => {
    writeFileSync(join(ws, 'src', 'victim.ts'), `export const victim = 'ordinary'\n`)
    ix = await openIndexer(ws, { value: false })
    watcher = new WorkspaceWatcher({ root: realpathSync(ws), rules: ix.rules })
    watcher.onChanges((batch) => {
      const p = ix.indexer.applyChanges(batch).finally(() => applying.delete(p))
      applying.add(p)
    })
    await watcher.ready
    await ix.indexer.fullScan()
  }, SLOW)
  afterEach(async () => {
    await Promise.all(applying)
  })
  afterAll(async () => {
    await watcher?.dispose()
    ix?.indexer.dispose()
    await ix?.store.close()
    tmp.cleanup()
  })

  it(
    'links out created after indexing started, temp files, a .env and a file swapped for a link are not indexed',
    async () => {
      expect(await ix.paths()).toEqual(['src/a.ts', 'src/victim.ts'])
      symlinkSync(join(out, 'passwd'), join(ws, 'passwd'))
      symlinkSync(join(out, 'etc'), join(ws, 'docs'))
      writeFileSync(join(ws, '.env.local'), `TOKEN=${DOTENV}\n`)
      writeFileSync(join(ws, 'src', '.b.ts.hearth-tmp-abcdef012345'), `export const ${OUR_TEMP} = 1\n`)
      writeFileSync(join(ws, 'src', 'b.ts~'), `export const ${EDITOR_BACKUP} = 1\n`)
      unlinkSync(join(ws, 'src', 'victim.ts'))
      symlinkSync(join(out, 'passwd'), join(ws, 'src', 'victim.ts'))
      // The marker comes last: once it is searchable, the watcher has delivered what came before.
      writeFileSync(join(ws, 'src', 'marker.ts'), 'export const liveMarkerArrived = 1\n')
      await until('the marker file indexed', async () =>
        (await ix.fts('liveMarkerArrived')).length > 0 ? true : undefined,
      )
      await new Promise((r) => setTimeout(r, 500))
      await Promise.all(applying)
      await ix.indexer.idle()

      expect(await ix.fts(OUTSIDE_FILE)).toEqual([])
      expect(await ix.fts(OUTSIDE_DIR)).toEqual([])
      expect(await ix.fts(DOTENV)).toEqual([])
      expect(await ix.fts(OUR_TEMP)).toEqual([])
      expect(await ix.fts(EDITOR_BACKUP)).toEqual([])
      expect(await ix.paths()).toEqual(['src/a.ts', 'src/marker.ts'])
    },
    SLOW,
  )
})

describe('hearth index says what it left out and why', () => {
  const { tmp, ws, out } = setUp('outside-cli')
  afterAll(() => tmp.cleanup())

  it(
    'its summary lists the links out and the secret-looking files with their reasons',
    async () => {
      symlinkSync(join(out, 'passwd'), join(ws, 'passwd'))
      symlinkSync(join(out, 'etc'), join(ws, 'docs'))
      writeFileSync(join(ws, '.env'), `API_TOKEN=${DOTENV}\n`)
      const r = await runCli(['index', ws, '--db', join(tmp.dir, 'db'), '--json'])
      expect(r.code, r.stderr).toBe(0)
      const summary = JSON.parse(r.stdout) as { files: number; skipped: { path: string; reason: string }[] }
      expect(summary.skipped).toEqual(
        expect.arrayContaining([
          { path: 'passwd', reason: OUTSIDE_LINK_REASON },
          { path: 'docs', reason: OUTSIDE_LINK_REASON },
          { path: '.env', reason: SECRET_REASON },
        ]),
      )
      expect(summary.files).toBe(1)
    },
    SLOW,
  )
})
