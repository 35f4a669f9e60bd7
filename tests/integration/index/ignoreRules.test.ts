import { execFileSync } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IndexStatus, SearchHit } from '@shared/contract/search'
import { Core } from '../../../src/main/core/createCore'
import type { CallContext } from '../../../src/main/core/rpc/handlers'

// The app as the user drives it, over a real git repository: .gitignore and .hearthignore decide,
// the default ignores spare what git tracks, the exclude setting applies at once, and the index
// status and quick open agree on what is in.
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }

const FILES: Record<string, string> = {
  'build/electron-builder.yml': 'appId: zzbuildtokenzz\n',
  'dist/bundle.js': 'var zzdisttokenzz = 1\n',
  'src/app.ts': 'export const zzapptokenzz = 1\n',
  'src/app.gen.ts': 'export const zzgeneratedzz = 1\n',
  'fixtures/data.ts': 'export const zzfixturezz = 1\n',
  'pkg/gen/g.ts': 'export const zzgenzz = 1\n',
  'run.log': 'zzlogtokenzz\n',
  '.gitignore': '*.log\n',
  'pkg/.gitignore': 'gen/\n',
  '.hearthignore': 'fixtures/\n',
}

let dataDir: string
let ws: string
let core: Core | undefined

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-ignore-data-'))
  ws = await mkdtemp(join(tmpdir(), 'hearth-ignore-ws-'))
  for (const [rel, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(ws, rel)), { recursive: true })
    await writeFile(join(ws, rel), text)
  }
  execFileSync('git', ['-C', ws, 'init', '-q'])
  execFileSync('git', ['-C', ws, 'add', 'build', 'src/app.ts', '.gitignore'])
})

afterEach(async () => {
  await core?.dispose()
  core = undefined
  for (const d of [dataDir, ws]) await rm(d, { recursive: true, force: true })
})

const call = (m: string, a: unknown): Promise<unknown> => {
  if (!core) throw new Error('no core')
  return core.dispatcher.dispatch(m, a, ctx)
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const v = await f()
    if (ok(v)) return v
    if (Date.now() > deadline) throw new Error(`${what}: last ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const hits = async (q: string): Promise<string[]> =>
  ((await call('search.query', { query: q, mode: 'fts' })) as { results: SearchHit[] }).results.map(
    (r) => r.path,
  )
const quickOpen = async (): Promise<string[]> =>
  ((await call('workspace.files', {})) as { paths: string[] }).paths

describe('ignore rules in the app', { timeout: 120_000 }, () => {
  it('indexes tracked build/, leaves out untracked dist/ and what the ignore files say, and says why', async () => {
    core = await Core.create({ dataDir, workspace: ws, log: () => undefined })
    const st = await until(
      () => call('index.status', {}) as Promise<IndexStatus>,
      (s) => s.state === 'ready' && s.files > 0 && s.skipped !== undefined,
      'index ready',
    )
    expect(await hits('zzbuildtokenzz')).toEqual(['build/electron-builder.yml'])
    for (const token of ['zzdisttokenzz', 'zzlogtokenzz', 'zzfixturezz', 'zzgenzz'])
      expect(await hits(token)).toEqual([])
    expect(st.skipped?.reasons).toEqual(
      expect.arrayContaining([
        { reason: 'ignored by default (dist, not tracked by git)', count: 1 },
        { reason: 'ignored by .gitignore (*.log)', count: 1 },
        { reason: 'ignored by .hearthignore (fixtures/)', count: 1 },
        { reason: 'ignored by pkg/.gitignore (gen/)', count: 1 },
      ]),
    )
    // Quick open sees the same files as the index.
    expect((await quickOpen()).sort()).toEqual(
      [
        '.gitignore',
        '.hearthignore',
        'build/electron-builder.yml',
        'pkg/.gitignore',
        'src/app.gen.ts',
        'src/app.ts',
      ].sort(),
    )

    // The exclude setting applies at once, to the index and to quick open.
    await call('settings.update', { scope: 'user', patch: { index: { exclude: ['*.gen.ts'] } } })
    await until(
      () => hits('zzgeneratedzz'),
      (h) => h.length === 0,
      'a.gen.ts excluded',
    )
    expect(await quickOpen()).not.toContain('src/app.gen.ts')
    const excluded = await until(
      () => call('index.status', {}) as Promise<IndexStatus>,
      (s) => (s.skipped?.reasons ?? []).some((r) => r.reason.includes('index.exclude')),
      'the exclude glob listed as a reason',
    )
    expect(excluded.skipped?.reasons).toContainEqual({
      reason: 'ignored by setting index.exclude (*.gen.ts)',
      count: 1,
    })

    // Editing .hearthignore re-applies: the watcher sees it, fixtures/ comes in.
    await writeFile(join(ws, '.hearthignore'), '# nothing left out here\n')
    await until(
      () => hits('zzfixturezz'),
      (h) => h.includes('fixtures/data.ts'),
      'fixtures indexed',
    )
    expect(await quickOpen()).toContain('fixtures/data.ts')
    // The status follows that rescan too: fixtures/ is no longer listed as left out.
    const edited = (await call('index.status', {})) as IndexStatus
    expect(edited.skipped?.sample.map((s) => s.path)).not.toContain('fixtures')
    expect(edited.skipped?.reasons?.map((r) => r.reason)).not.toContain(
      'ignored by .hearthignore (fixtures/)',
    )
  })

  it('a folder git starts tracking comes in after the next ignore-file edit (git asked in the background)', async () => {
    core = await Core.create({ dataDir, workspace: ws, log: () => undefined })
    await until(
      () => call('index.status', {}) as Promise<IndexStatus>,
      (s) => s.state === 'ready' && s.files > 0,
      'index ready',
    )
    expect(await hits('zzdisttokenzz')).toEqual([])
    execFileSync('git', ['-C', ws, 'add', '-f', 'dist'])
    // The edit's own rescan keeps git's previous answer (git is never run synchronously on the
    // core's thread); the new answer lands in the background and the index re-applies it.
    await writeFile(join(ws, '.gitignore'), '*.log\n# edited\n')
    await until(
      () => hits('zzdisttokenzz'),
      (h) => h.includes('dist/bundle.js'),
      'tracked dist/ indexed',
    )
    expect(await quickOpen()).toContain('dist/bundle.js')
  })
})
