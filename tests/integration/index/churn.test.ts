import { mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'
import { WorkspaceWatcher } from '../../../src/main/core/files/workspaceWatcher'
import { IgnoreRules } from '../../../src/main/core/files/ignoreRules'
import { tempDir } from './cliHelpers'
import { freshWalk, sortKeys, sourceText } from './freshWalk'

const SLOW = 300_000

describe('churn: after quiet, the index equals a fresh walk (real watcher, real PGlite)', () => {
  const tmp = tempDir('churn')
  const ws = join(tmp.dir, 'ws')
  let idx: WorkspaceIndex
  let watcher: WorkspaceWatcher
  let lastBatch = 0
  const applying = new Set<Promise<void>>()

  const write = (rel: string, seed: number): void => {
    mkdirSync(join(ws, rel, '..'), { recursive: true })
    writeFileSync(join(ws, rel), sourceText(rel.replace(/\W/g, '_'), seed))
  }

  /** Waits until the watcher has been quiet and the store matches a fresh walk (or times out). */
  async function settled(label: string): Promise<void> {
    const deadline = Date.now() + 60_000
    let diff = ''
    for (;;) {
      if (Date.now() - lastBatch > 700 && applying.size === 0) {
        await idx.indexer.idle()
        const [want, have, verify] = await Promise.all([
          freshWalk(ws),
          idx.store.call('chunkList', {}).then(sortKeys),
          idx.store.call('verify', {}),
        ])
        expect(verify).toEqual({ badFiles: [], orphanChunks: 0, backlogMiscount: 0, vectorsMissing: 0 })
        if (JSON.stringify(want) === JSON.stringify(have)) return
        const w = new Set(want.map((c) => `${c.path}:${c.startLine}:${c.hash}`))
        const h = new Set(have.map((c) => `${c.path}:${c.startLine}:${c.hash}`))
        diff = `missing ${[...w]
          .filter((x) => !h.has(x))
          .slice(0, 5)
          .join(', ')}; extra ${[...h]
          .filter((x) => !w.has(x))
          .slice(0, 5)
          .join(', ')}`
      }
      if (Date.now() > deadline) throw new Error(`${label}: index never matched a fresh walk: ${diff}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  beforeAll(async () => {
    for (let i = 0; i < 40; i++) write(`src/mod${i % 5}/file${i}.ts`, i)
    write('lib/util.py', 1)
    writeFileSync(join(ws, '.gitignore'), 'generated/\n')
    write('generated/skip.ts', 1)
    const rules = new IgnoreRules(ws)
    idx = await WorkspaceIndex.open({
      root: ws,
      dbDir: join(tmp.dir, 'db'),
      embedder: new CodeHashEmbedder(),
      rules,
    })
    watcher = new WorkspaceWatcher({ root: ws, rules })
    watcher.onChanges((batch) => {
      lastBatch = Date.now()
      const p = idx.applyChanges(batch).finally(() => applying.delete(p))
      applying.add(p)
    })
    await watcher.ready
    await idx.fullScan()
  }, SLOW)

  afterAll(async () => {
    await watcher?.dispose()
    await idx?.close()
    tmp.cleanup()
  })

  it(
    'survives create, edit, rename, delete, mass changes, rm -rf and .gitignore edits',
    async () => {
      await settled('initial')
      expect((await idx.stats()).files).toBe(42) // 40 + util.py + .gitignore

      write('src/new/created.ts', 100)
      write('src/mod1/file1.ts', 101)
      await settled('create + edit')

      renameSync(join(ws, 'src/mod2/file2.ts'), join(ws, 'src/mod2/renamed.ts'))
      unlinkSync(join(ws, 'src/mod3/file3.ts'))
      await settled('rename + delete')

      // Branch-switch-like: many files rewritten, some deleted, some added, all at once.
      for (let i = 0; i < 40; i += 2) if (i !== 2) write(`src/mod${i % 5}/file${i}.ts`, 1000 + i)
      for (let i = 5; i < 40; i += 10) rmSync(join(ws, `src/mod${i % 5}/file${i}.ts`), { force: true })
      for (let i = 0; i < 8; i++) write(`src/branch/b${i}.ts`, 2000 + i)
      await settled('mass change')

      rmSync(join(ws, 'src/mod4'), { recursive: true, force: true })
      await settled('rm -rf folder')

      // Ignoring a folder drops it from the index; un-ignoring brings it back.
      writeFileSync(join(ws, '.gitignore'), 'generated/\nsrc/branch/\n')
      await settled('.gitignore adds a folder')
      expect((await idx.store.call('fileStates', {})).some((f) => f.path.startsWith('src/branch/'))).toBe(
        false,
      )
      writeFileSync(join(ws, '.gitignore'), 'src/branch/\n')
      await settled('.gitignore releases a folder')
      expect((await idx.store.call('fileStates', {})).some((f) => f.path === 'generated/skip.ts')).toBe(true)

      // Embeddings catch up behind, and search sees the final state.
      await idx.waitForEmbeddings()
      expect((await idx.stats()).pending).toBe(0)
      const r = await idx.search('src_new_created_tsStep2', { mode: 'hybrid' })
      expect(r.results[0]?.path).toBe('src/new/created.ts')
      const gone = await idx.search('src_mod4_file4_tsStep1', { mode: 'fts', pathGlob: 'src/mod4/**' })
      expect(gone.results).toEqual([])
    },
    SLOW,
  )
})
