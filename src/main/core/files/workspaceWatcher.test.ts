import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { watch, type FSWatcher } from 'chokidar'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { atomicWrite } from './atomicWrite'
import { IgnoreRules } from './ignoreRules'
import type { FileChangeEvent, WatcherState } from './watchTypes'
import { WorkspaceWatcher } from './workspaceWatcher'

let root: string
let watcher: WorkspaceWatcher
let fsw: FSWatcher | undefined
let batches: FileChangeEvent[][]
let dirBatches: string[][]

async function start(extra: { maxBatch?: number; rules?: IgnoreRules } = {}): Promise<void> {
  watcher = new WorkspaceWatcher({
    root,
    rules: new IgnoreRules(root),
    ...extra,
    createWatcher: (r, o) => (fsw = watch(r, o)),
  })
  watcher.onChanges((b) => batches.push(b))
  watcher.onDirsChanged((d) => dirBatches.push(d))
  await watcher.ready
}

/** Waits until the received events satisfy `pred` (chokidar + the 100 ms window, on a busy machine). */
async function until(pred: (all: FileChangeEvent[]) => boolean, ms = 5000): Promise<FileChangeEvent[]> {
  const t0 = Date.now()
  for (;;) {
    const all = batches.flat()
    if (pred(all)) return all
    if (Date.now() - t0 > ms) throw new Error(`timed out; got ${JSON.stringify(all)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

const quiet = (ms = 400): Promise<void> => new Promise((r) => setTimeout(r, ms))

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-watch-')))
  batches = []
  dirBatches = []
  fsw = undefined
  mkdirSync(join(root, 'src'))
  mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true })
  mkdirSync(join(root, 'gen', 'deep'), { recursive: true })
  writeFileSync(join(root, '.gitignore'), 'gen/\n*.log\n')
  writeFileSync(join(root, 'src', 'a.ts'), 'a')
  writeFileSync(join(root, 'node_modules', 'pkg', 'index.js'), 'x')
  writeFileSync(join(root, 'gen', 'deep', 'out.js'), 'x')
})

afterEach(async () => {
  await watcher?.dispose()
  rmSync(root, { recursive: true, force: true })
})

describe('WorkspaceWatcher', () => {
  it('reports created, changed and deleted files as workspace-relative batches', async () => {
    await start()
    expect(watcher.state).toEqual({ status: 'ready' })
    writeFileSync(join(root, 'src', 'b.ts'), 'b')
    writeFileSync(join(root, 'src', 'a.ts'), 'a2')
    unlinkSync(join(root, 'src', 'a.ts'))
    const all = await until(
      (e) => e.some((x) => x.path === 'src/b.ts') && e.some((x) => x.kind === 'deleted'),
    )
    const last = new Map(all.map((e) => [e.path, e.kind]))
    expect(last.get('src/b.ts')).toBe('created')
    expect(last.get('src/a.ts')).toBe('deleted')
    expect(dirBatches.flat()).toContain('src')
  })

  it('never watches ignored folders and reports nothing from them', async () => {
    await start()
    const watched = Object.keys(fsw?.getWatched() ?? {})
    expect(watched).toContain(join(root, 'src'))
    expect(watched.some((d) => d.includes('node_modules'))).toBe(false)
    expect(watched.some((d) => d.startsWith(join(root, 'gen')))).toBe(false)
    writeFileSync(join(root, 'node_modules', 'pkg', 'index.js'), 'y')
    writeFileSync(join(root, 'gen', 'deep', 'out.js'), 'y')
    writeFileSync(join(root, 'debug.log'), 'y')
    writeFileSync(join(root, 'src', 'marker.ts'), 'm')
    const all = await until((e) => e.some((x) => x.path === 'src/marker.ts'))
    await quiet()
    expect(batches.flat().map((e) => e.path)).toEqual(['src/marker.ts'])
    expect(all).toHaveLength(1)
  })

  it('sees an atomic save as one change and never reports the temp file', async () => {
    await start()
    await atomicWrite(join(root, 'src', 'a.ts'), Buffer.from('saved atomically'))
    await until((e) => e.length > 0)
    await quiet()
    expect(batches.flat()).toEqual([{ path: 'src/a.ts', kind: 'changed' }])
  })

  it("never reports editors' temp and backup files", async () => {
    await start()
    for (const name of ['a.ts~', '.#a.ts', '.a.ts.swp', '.a.ts.swx', '4913', '.a.ts.kate-swp'])
      writeFileSync(join(root, 'src', name), 'x')
    writeFileSync(join(root, 'src', '.a.ts.hearth-tmp-0123456789ab'), 'x')
    unlinkSync(join(root, 'src', '4913'))
    // A folder may carry such a name (an issue number): what is in it is ordinary.
    mkdirSync(join(root, 'fixtures', '4913'), { recursive: true })
    await quiet() // chokidar starts watching the new folder
    writeFileSync(join(root, 'fixtures', '4913', 'kept.ts'), 'x')
    writeFileSync(join(root, 'src', 'marker.ts'), 'm')
    await until((e) => e.some((x) => x.path === 'src/marker.ts') && e.length >= 2)
    await quiet()
    expect(batches.flat().sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'fixtures/4913/kept.ts', kind: 'created' },
      { path: 'src/marker.ts', kind: 'created' },
    ])
  })

  it('sees a rename as delete + create', async () => {
    await start()
    renameSync(join(root, 'src', 'a.ts'), join(root, 'src', 'renamed.ts'))
    const all = await until((e) => e.length >= 2)
    expect(new Map(all.map((e) => [e.path, e.kind]))).toEqual(
      new Map([
        ['src/a.ts', 'deleted'],
        ['src/renamed.ts', 'created'],
      ]),
    )
  })

  it('re-reads a changed .gitignore and passes its event through', async () => {
    await start()
    writeFileSync(join(root, 'ignored-then.log'), '1')
    await quiet()
    expect(batches.flat()).toEqual([])
    writeFileSync(join(root, '.gitignore'), '# nothing ignored now\n')
    await until((e) => e.some((x) => x.path === '.gitignore'))
    writeFileSync(join(root, 'visible-now.log'), '2')
    await until((e) => e.some((x) => x.path === 'visible-now.log'))
    // A file in a watched folder that became visible shows up as created (chokidar re-reads it).
    expect(batches.flat()).toContainEqual({ path: 'ignored-then.log', kind: 'created' })
    // A folder that was ignored (never watched) is watched from now on.
    writeFileSync(join(root, 'gen', 'deep', 'new.js'), 'n')
    await until((e) => e.some((x) => x.path === 'gen/deep/new.js'))
    expect(Object.keys(fsw?.getWatched() ?? {})).toContain(join(root, 'gen', 'deep'))
  })

  it('starts watching a nested folder a root .gitignore edit made visible, and filters newly ignored ones', async () => {
    mkdirSync(join(root, 'src', 'gen2'))
    writeFileSync(join(root, '.gitignore'), 'gen/\nsrc/gen2/\n')
    await start()
    expect(Object.keys(fsw?.getWatched() ?? {})).not.toContain(join(root, 'src', 'gen2'))
    writeFileSync(join(root, '.gitignore'), 'src/a.ts\n')
    await until((e) => e.some((x) => x.path === '.gitignore'))
    await quiet(200)
    // Only an event inside the formerly ignored folder: nothing makes chokidar re-read `src` itself.
    writeFileSync(join(root, 'src', 'gen2', 'x.js'), 'x')
    await until((e) => e.some((x) => x.path === 'src/gen2/x.js'))
    writeFileSync(join(root, 'src', 'a.ts'), 'now ignored')
    writeFileSync(join(root, 'src', 'marker.ts'), 'm')
    await until((e) => e.some((x) => x.path === 'src/gen2/x.js') && e.some((x) => x.path === 'src/marker.ts'))
    await quiet()
    expect(batches.flat().some((x) => x.path === 'src/a.ts')).toBe(false)
  })

  it("watches a tracked build/ once git's answer (asked in the background) says it is source", async () => {
    mkdirSync(join(root, 'build'))
    writeFileSync(join(root, 'build', 'keep.ts'), 'k')
    execFileSync('git', ['-C', root, 'init', '-q'])
    execFileSync('git', ['-C', root, 'add', '-f', 'build/keep.ts'])
    // git behind a slow wrapper, so the watcher's first checks come before its answer.
    const bin = mkdtempSync(join(tmpdir(), 'hearth-watch-bin-'))
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nsleep 1\nexec '${realGit}' "$@"\n`)
    chmodSync(join(bin, 'git'), 0o755)
    const saved = process.env.PATH
    process.env.PATH = `${bin}:${saved ?? ''}`
    try {
      const rules = new IgnoreRules(root)
      let answered = false
      rules.onTrackedChange(() => (answered = true))
      await start({ rules })
      // Before the answer every default applies: build/ is neither watched nor reported.
      if (!answered) expect(Object.keys(fsw?.getWatched() ?? {})).not.toContain(join(root, 'build'))
      await rules.prepare()
      expect(answered).toBe(true)
      await quiet(200)
      writeFileSync(join(root, 'build', 'new.ts'), 'n')
      await until((e) => e.some((x) => x.path === 'build/new.ts'))
      expect(Object.keys(fsw?.getWatched() ?? {})).toContain(join(root, 'build'))
    } finally {
      process.env.PATH = saved
      rmSync(bin, { recursive: true, force: true })
    }
  })

  it('survives a symlink loop and a link pointing outside', async () => {
    symlinkSync(root, join(root, 'src', 'loop'))
    symlinkSync(tmpdir(), join(root, 'out-link'))
    await start()
    expect(watcher.state.status).toBe('ready')
    writeFileSync(join(root, 'src', 'c.ts'), 'c')
    await until((e) => e.some((x) => x.path === 'src/c.ts'))
  })

  it('turns watcher errors into a degraded state with a reason, never a throw', async () => {
    await start()
    const states: WatcherState[] = []
    watcher.onState((s) => states.push(s))
    fsw?.emit(
      'error',
      Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
        code: 'ENOSPC',
      }),
    )
    expect(watcher.state.status).toBe('degraded')
    expect(watcher.state.reason).toMatch(/inotify watch limit.*max_user_watches/)
    expect(states).toEqual([watcher.state])
    fsw?.emit('error', Object.assign(new Error('too many'), { code: 'EMFILE' }))
    expect(watcher.state.reason).toMatch(/EMFILE/)
    // Still delivering what it can.
    writeFileSync(join(root, 'src', 'd.ts'), 'd')
    await until((e) => e.some((x) => x.path === 'src/d.ts'))
  })

  it('streams a mass change in bounded batches and loses nothing', async () => {
    await start({ maxBatch: 50 })
    mkdirSync(join(root, 'src', 'many'))
    for (let i = 0; i < 400; i++) writeFileSync(join(root, 'src', 'many', `f${i}.ts`), String(i))
    await until((e) => new Set(e.map((x) => x.path)).size >= 400, 15_000)
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(50)
    rmSync(join(root, 'src', 'many'), { recursive: true })
    await until((e) => e.filter((x) => x.kind === 'deleted').length >= 400, 15_000)
    const deleted = new Set(
      batches
        .flat()
        .filter((x) => x.kind === 'deleted')
        .map((x) => x.path),
    )
    expect(deleted.size).toBe(400)
  })

  it('stops on dispose: state stopped, no more events', async () => {
    await start()
    await watcher.dispose()
    expect(watcher.state.status).toBe('stopped')
    writeFileSync(join(root, 'src', 'late.ts'), 'late')
    await quiet()
    expect(batches).toEqual([])
    expect(fsw?.closed).toBe(true)
  })
})
