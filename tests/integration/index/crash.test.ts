import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndexStore } from '../../../src/main/core/index/store/indexStore'
import { runHearth, spawnHearth } from '../../helpers/hearthCli'
import { collect, tempDir } from './cliHelpers'
import { freshWalk, sortKeys, sourceText } from './freshWalk'

const KILLS = 20
const SLOW = 900_000

// Deterministic pseudo-random, so a failure can be replayed.
let seed = 20261121
const rand = (): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
  return seed / 2 ** 32
}

describe('crash safety: SIGKILL while indexing (real CLI processes, real PGlite on disk)', () => {
  const tmp = tempDir('crash')
  const ws = join(tmp.dir, 'ws')
  const db = join(tmp.dir, 'db')
  let generation = 0

  const mutate = (): void => {
    generation++
    // Each round gives the indexer real work: rewrites, additions and deletions.
    for (let i = 0; i < 30; i++) {
      const n = Math.floor(rand() * 160)
      const rel = `pkg${n % 8}/unit${n}.ts`
      if (rand() < 0.1) rmSync(join(ws, rel), { force: true })
      else {
        mkdirSync(join(ws, `pkg${n % 8}`), { recursive: true })
        writeFileSync(join(ws, rel), sourceText(`u${n}`, generation * 1000 + n))
      }
    }
  }

  beforeAll(() => {
    for (let n = 0; n < 160; n++) {
      mkdirSync(join(ws, `pkg${n % 8}`), { recursive: true })
      writeFileSync(join(ws, `pkg${n % 8}/unit${n}.ts`), sourceText(`u${n}`, n))
    }
  })
  afterAll(() => tmp.cleanup())

  it(
    `reopens after ${KILLS} kills with no half-indexed file; a re-index then changes nothing`,
    async () => {
      const full = await runHearth(['index', ws, '--db', db, '--json'])
      expect(full.code, full.stderr).toBe(0)
      // How long a forced re-index takes here (a new database, every file chunked and written),
      // so that the kills land inside the work — opening, scanning, writing — not after it. The
      // shortest of two: the first forced run after a full index was often twice as long as the
      // ones after it (on a busy machine, 17 s against 7–10 s), and with delays scaled to it most
      // runs finished before their kill (7 of 20 killed).
      let runMs = Infinity
      for (let i = 0; i < 2; i++) {
        const t0 = Date.now()
        const timed = await runHearth(['index', ws, '--db', db, '--json', '--force'])
        expect(timed.code, timed.stderr).toBe(0)
        runMs = Math.min(runMs, Date.now() - t0)
      }
      let killedMidway = 0
      for (let k = 0; k < KILLS; k++) {
        mutate()
        const forced = k % 4 !== 3
        const child = spawnHearth(['index', ws, '--db', db, '--json', ...(forced ? ['--force'] : [])])
        const done = collect(child)
        const t0 = Date.now()
        const delay = Math.floor(runMs * (0.1 + rand() * 0.85))
        const timer = setTimeout(() => child.kill('SIGKILL'), delay)
        const r = await done
        clearTimeout(timer)
        if (r.signal === 'SIGKILL') killedMidway++
        else {
          expect(r.code, r.stderr).toBe(0)
          // A forced run that finished before its kill was shorter than the baseline: the next
          // delays follow it.
          if (forced) runMs = Math.min(runMs, Date.now() - t0)
        }
      }
      expect(killedMidway).toBeGreaterThanOrEqual(KILLS / 2)

      // Reopens (taking over the lock a killed run left behind); every file's chunks committed together with its row.
      const store = await IndexStore.open(db)
      try {
        expect(store.opened.rebuilt, JSON.stringify(store.opened.rebuilt)).toBeNull()
        expect(await store.call('verify', {})).toEqual({
          badFiles: [],
          orphanChunks: 0,
          backlogMiscount: 0,
          vectorsMissing: 0,
        })
      } finally {
        await store.close()
      }
      // Finish, then a second run finds nothing to do, and the index equals a fresh walk.
      const finish = await runHearth(['index', ws, '--db', db, '--json'])
      expect(finish.code, finish.stderr).toBe(0)
      const again = await runHearth(['index', ws, '--db', db, '--json'])
      expect(JSON.parse(again.stdout)).toMatchObject({ indexed: 0, removed: 0, pendingEmbeddings: 0 })
      const check = await IndexStore.open(db)
      try {
        expect(sortKeys(await check.call('chunkList', {}))).toEqual(await freshWalk(ws))
      } finally {
        await check.close()
      }
      const found = await runHearth(['search', '--db', db, '--json', 'u7Step2'])
      expect(found.code).toBe(0)
      expect((JSON.parse(found.stdout) as { results: { path: string }[] }).results[0]?.path).toBe(
        'pkg7/unit7.ts',
      )
    },
    SLOW,
  )
})
