import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Real PGlite in real processes: each initdb is ~3 s on an idle 2-core machine, far more on a busy one.
const SLOW = 240_000
import { HearthError } from '../../../src/shared/errors'
import { IndexStore } from '../../../src/main/core/index/store/indexStore'
import { runHearth } from '../../helpers/hearthCli'
import { tempDir } from './cliHelpers'
import { scribblePg } from './scribblePg'

function writeWorkspace(root: string): void {
  writeFileSync(
    join(root, 'alpha.ts'),
    'export function parseHttpHeader(raw: string): string {\n  return raw.trim()\n}\n',
  )
  writeFileSync(join(root, 'beta.py'), 'def load_config(path):\n    return open(path).read()\n')
}

// The tests share only the workspace, which none of them changes; each has its own database
// directory, so they run at once (their CLI processes and store workers wait on each other's
// disk and start-up, not only on the CPU).
describe.concurrent('index data directory safety (real PGlite, real processes)', () => {
  const tmp = tempDir('safety')
  const ws = join(tmp.dir, 'ws')
  beforeAll(() => {
    spawnSync('mkdir', ['-p', ws])
    writeWorkspace(ws)
  })
  afterAll(() => tmp.cleanup())

  it(
    'refuses a second writer, in another process and in this one, and says who holds it',
    async () => {
      const db = join(tmp.dir, 'db-lock')
      const store = await IndexStore.open(db)
      try {
        const r = await runHearth(['index', ws, '--db', db, '--json'])
        expect(r.code).toBe(1)
        expect(r.stderr).toContain(`pid ${process.pid}`)
        await expect(IndexStore.open(db)).rejects.toSatisfy(
          (e: unknown) => e instanceof HearthError && e.code === 'busy',
        )
      } finally {
        await store.close()
      }
      // Released on close: the CLI can index now.
      const ok = await runHearth(['index', ws, '--db', db, '--json'])
      expect(ok.code).toBe(0)
      expect(JSON.parse(ok.stdout)).toMatchObject({ files: 2 })
    },
    SLOW,
  )

  it(
    'takes over a stale lock left by a dead process',
    async () => {
      const db = join(tmp.dir, 'db-stale')
      const dead = spawnSync(process.execPath, [
        '-e',
        'process.stdout.write(String(process.pid))',
      ]).stdout.toString()
      spawnSync('mkdir', ['-p', db])
      writeFileSync(
        join(db, 'lock'),
        JSON.stringify({
          pid: Number(dead),
          host: (await import('node:os')).hostname(),
          startedAt: 'then',
          command: 'x',
        }),
      )
      const store = await IndexStore.open(db)
      await store.close()
    },
    SLOW,
  )

  it(
    'sets a corrupt data directory aside and rebuilds it',
    async () => {
      const db = join(tmp.dir, 'db-corrupt')
      const first = await runHearth(['index', ws, '--db', db, '--json'])
      expect(first.code).toBe(0)
      scribblePg(join(db, 'pg'))
      const again = await runHearth(['index', ws, '--db', db, '--json'])
      expect(again.code, again.stderr).toBe(0)
      expect(again.stderr).toMatch(/set aside/)
      expect(JSON.parse(again.stdout)).toMatchObject({ files: 2, indexed: 2 })
      expect(readdirSync(db).some((n) => n.startsWith('pg.corrupt-'))).toBe(true)
      const found = await runHearth(['search', '--db', db, '--json', 'parse http header'])
      expect(found.code).toBe(0)
      expect((JSON.parse(found.stdout) as { results: { path: string }[] }).results[0]?.path).toBe('alpha.ts')
      // Reopening the rebuilt directory is clean (no crash loop, nothing set aside again).
      const third = await runHearth(['index', ws, '--db', db, '--json'])
      expect(third.stderr).not.toMatch(/set aside/)
      expect(JSON.parse(third.stdout)).toMatchObject({ files: 2, indexed: 0 })
    },
    SLOW,
  )

  it(
    'a new database whose making was cut short (a killed --force) is made again, not set aside as damaged',
    async () => {
      const db = join(tmp.dir, 'db-half-made')
      expect((await runHearth(['index', ws, '--db', db, '--json'])).code).toBe(0)
      const whole = join(tmp.dir, 'db-half-made-whole')
      cpSync(join(db, 'pg'), whole, { recursive: true })
      // What a process killed while the template's tar was unpacking leaves: the making mark,
      // PG_VERSION (the tar's first entry) and part of the rest.
      rmSync(join(db, 'pg'), { recursive: true, force: true })
      mkdirSync(join(db, 'pg'))
      copyFileSync(join(whole, 'PG_VERSION'), join(db, 'pg', 'PG_VERSION'))
      // One database's folder (a lean cluster has only `postgres`: no template1 in base/1).
      const [oid = '5'] = readdirSync(join(whole, 'base'))
      cpSync(join(whole, 'base', oid), join(db, 'pg', 'base', oid), { recursive: true })
      writeFileSync(join(db, 'pg.making'), '')
      const again = await runHearth(['index', ws, '--db', db, '--json'])
      expect(again.code, again.stderr).toBe(0)
      expect(again.stderr).not.toMatch(/set aside/)
      expect(JSON.parse(again.stdout)).toMatchObject({ files: 2, indexed: 2 })
      expect(readdirSync(db).filter((n) => n.startsWith('pg.'))).toEqual([])
      expect(existsSync(join(db, 'pg.making'))).toBe(false)
    },
    SLOW,
  )

  it(
    'says so when the index holds no files (and still answers, with nothing)',
    async () => {
      const empty = join(tmp.dir, 'empty-ws')
      const db = join(tmp.dir, 'db-empty')
      spawnSync('mkdir', ['-p', empty])
      expect((await runHearth(['index', empty, '--db', db, '--json'])).code).toBe(0)
      const r = await runHearth(['search', '--db', db, '--json', 'x'])
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject({ results: [] })
      expect(r.stderr).toMatch(/holds no files: run `hearth index <dir> --db /)
    },
    SLOW,
  )

  it(
    'says so when there is no index to search',
    async () => {
      const r = await runHearth(['search', '--db', join(tmp.dir, 'nothing'), '--json', 'x'])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/no index at .*run `hearth index/)
    },
    SLOW,
  )
})
