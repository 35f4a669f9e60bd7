import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { IndexList } from '@shared/contract/indexes'
import { indexDirFor } from '../../../src/main/core/index/indexLocation'
import { META_FILE } from '../../../src/main/core/index/indexMeta'
import { runHearth } from '../../helpers/hearthCli'
import { REPO, TSX } from './cliHelpers'

// The real `hearth` CLI over a real data directory: `hearth index --json` says what the ignore
// rules left out and why, and `hearth indexes` lists, removes and cleans up the indexes it made.
const SLOW = 300_000

const base = mkdtempSync(join(tmpdir(), 'hearth-indexes-cli-'))
const dataDir = join(base, 'data')
const env = { HEARTH_DATA_DIR: dataDir }
afterAll(() => rmSync(base, { recursive: true, force: true }))

function workspace(name: string, files: Record<string, string>): string {
  const ws = join(base, name)
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(ws, rel, '..'), { recursive: true })
    writeFileSync(join(ws, rel), text)
  }
  return ws
}

interface IndexJson {
  files: number
  skipped: { path: string; reason: string }[]
}

async function index(ws: string): Promise<IndexJson> {
  const r = await runHearth(['index', ws, '--embedder', 'hash', '--json'], { env })
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as IndexJson
}

async function list(): Promise<IndexList> {
  const r = await runHearth(['indexes', 'list', '--json'], { env })
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as IndexList
}

describe('hearth index and hearth indexes', () => {
  const gitWs = workspace('git-ws', {
    'build/electron-builder.yml': 'appId: x\n',
    'dist/bundle.js': 'x()\n',
    'src/a.ts': 'export const a = 1\n',
    'src/a.gen.ts': 'export const g = 1\n',
    'notes.log': 'log\n',
    '.gitignore': '*.log\n',
    '.hearthignore': 'secret-plans/\n',
    'secret-plans/p.md': '# plans\n',
  })
  execFileSync('git', ['-C', gitWs, 'init', '-q'])
  execFileSync('git', ['-C', gitWs, 'add', 'build', 'src/a.ts', '.gitignore'])
  // /tmp holds no repository: every default applies.
  const plainWs = workspace('plain-ws', { 'build/x.ts': 'export {}\n', 'src/b.ts': 'export const b = 2\n' })

  it(
    '--json lists what the rules left out, with the rule; the exclude setting and a folder without git too',
    async () => {
      mkdirSync(dataDir, { recursive: true })
      writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ index: { exclude: ['*.gen.ts'] } }))
      // Two workspaces, two index folders of their own: the two processes run at once.
      const [out, plain] = await Promise.all([index(gitWs), index(plainWs)])
      expect(out.files).toBe(4) // build/electron-builder.yml, src/a.ts, .gitignore, .hearthignore
      expect(out.skipped).toEqual(
        expect.arrayContaining([
          { path: 'dist', reason: 'ignored by default (dist, not tracked by git)' },
          { path: 'notes.log', reason: 'ignored by .gitignore (*.log)' },
          { path: 'secret-plans', reason: 'ignored by .hearthignore (secret-plans/)' },
          { path: 'src/a.gen.ts', reason: 'ignored by setting index.exclude (*.gen.ts)' },
        ]),
      )
      expect(out.skipped.map((s) => s.path)).not.toContain('build')
      expect(out.skipped.map((s) => s.path)).not.toContain('.git')

      expect(plain.files).toBe(1)
      expect(plain.skipped).toContainEqual({
        path: 'build',
        reason: 'ignored by default (build, not tracked by git)',
      })
    },
    SLOW,
  )

  it(
    'lists each index with folder, size, files and last use; rm refuses one in use, then removes it',
    async () => {
      // Both only read.
      const [l, human] = await Promise.all([list(), runHearth(['indexes', 'list'], { env })])
      expect(l.indexes.map((e) => e.folder).sort()).toEqual([gitWs, plainWs].sort())
      const git = l.indexes.find((e) => e.folder === gitWs)
      expect(git).toMatchObject({ folderExists: true, lastUsedKnown: 'recorded', inUse: null })
      expect(git?.files).toBeGreaterThan(0)
      expect(git?.bytes).toBeGreaterThan(0)
      expect(Date.now() - (git?.lastUsedAt ?? 0)).toBeLessThan(10 * 60_000)
      expect(human.stdout).toContain(gitWs)
      expect(human.stdout).toMatch(/MB in 2 indexes/)

      // Another process holds the plain workspace's index open, as a running Hearth does.
      const dbDir = indexDirFor(plainWs, dataDir)
      const holder = spawn(
        process.execPath,
        ['--import', TSX, join(import.meta.dirname, 'holdIndex.ts'), plainWs, dbDir],
        {
          cwd: REPO,
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.node.json') },
        },
      )
      const exited = new Promise((r) => holder.once('exit', r))
      try {
        await new Promise<void>((resolve, reject) => {
          holder.stdout?.on('data', (d: Buffer) => d.toString().includes('held') && resolve())
          holder.once('exit', (code) => reject(new Error(`the index holder exited (${code})`)))
        })
        expect((await list()).indexes.find((e) => e.folder === plainWs)?.inUse?.pid).toBe(holder.pid)
        const refused = await runHearth(['indexes', 'rm', plainWs], { env })
        expect(refused.code).toBe(1)
        expect(refused.stderr).toContain(`is in use by a running Hearth process (pid ${holder.pid}`)
        expect(refused.stderr).not.toMatch(/\n\s+at /) // no stack
        expect(existsSync(dbDir)).toBe(true)
      } finally {
        holder.kill('SIGTERM')
        await exited
      }
      const removed = await runHearth(['indexes', 'rm', basename(dbDir)], { env })
      expect(removed.code, removed.stderr).toBe(0)
      expect(removed.stdout).toMatch(new RegExp(`removed the index of ${plainWs}: .* freed`))
      expect(existsSync(dbDir)).toBe(false)
      const unknown = await runHearth(['indexes', 'rm', plainWs], { env })
      expect(unknown.code).toBe(1)
      expect(unknown.stderr).toContain(`there is no index of ${plainWs}`)
    },
    SLOW,
  )

  it(
    'gc removes indexes of folders gone (--missing) and not used for N days (--older-than), and says what it freed',
    async () => {
      const goneWs = workspace('gone-ws', { 'a.ts': 'export const a = 1\n' })
      await index(goneWs)
      rmSync(goneWs, { recursive: true })
      // Both only read: no index is older than 30 days yet.
      const [listed, none] = await Promise.all([
        list(),
        runHearth(['indexes', 'gc', '--older-than', '30'], { env }),
      ])
      expect(listed.indexes.find((e) => e.folder === goneWs)?.folderExists).toBe(false)
      expect(none.stdout).toContain('nothing to remove')
      const gone = await runHearth(['indexes', 'gc', '--missing'], { env })
      expect(gone.code, gone.stderr).toBe(0)
      expect(gone.stdout).toContain(`removed ${basename(indexDirFor(goneWs, dataDir))}`)
      expect(gone.stdout).toMatch(/freed \(1 index removed\)/)

      // Last opened 40 days ago, as its record says.
      const metaPath = join(indexDirFor(gitWs, dataDir), META_FILE)
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { lastUsedAt: string }
      meta.lastUsedAt = new Date(Date.now() - 40 * 86_400_000).toISOString()
      writeFileSync(metaPath, JSON.stringify(meta))
      const old = await runHearth(['indexes', 'gc', '--older-than', '30', '--json'], { env })
      expect(old.code, old.stderr).toBe(0)
      const r = JSON.parse(old.stdout) as { removed: { folder: string }[]; freedBytes: number }
      expect(r.removed.map((e) => e.folder)).toEqual([gitWs])
      expect(r.freedBytes).toBeGreaterThan(0)
      // A usage error touches nothing: it runs beside the last listing.
      const [after, usage] = await Promise.all([list(), runHearth(['indexes', 'gc'], { env })])
      expect(after.indexes).toEqual([])
      expect(usage.code).toBe(2)
      expect(usage.stderr).toContain('--older-than DAYS, --missing, or both')
    },
    SLOW,
  )
})
