import { mkdtemp, rm, symlink, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IndexStatus, SearchHit } from '@shared/contract/search'
import { Core } from '../../../src/main/core/createCore'
import type { CallContext } from '../../../src/main/core/rpc/handlers'

// The app as the user drives it: what the index leaves out shows in its status with the reason,
// and the settings' opt-in for secret-looking files reaches the index at once.
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }

let dataDir: string
let ws: string
let outside: string
let core: Core | undefined

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-secret-data-'))
  ws = await mkdtemp(join(tmpdir(), 'hearth-secret-ws-'))
  outside = await mkdtemp(join(tmpdir(), 'hearth-secret-outside-'))
  await mkdir(join(ws, 'src'))
  await writeFile(join(ws, 'src', 'app.ts'), 'export const greeting = "hello"\n')
  await writeFile(join(ws, '.env'), 'STRIPE_KEY=zzsecretvaluezz\n')
  await writeFile(join(outside, 'passwd'), 'root:x:0:0:zzoutsidezz:/root:/bin/sh\n')
  await symlink(join(outside, 'passwd'), join(ws, 'passwd'))
})

afterEach(async () => {
  await core?.dispose()
  core = undefined
  for (const d of [dataDir, ws, outside]) await rm(d, { recursive: true, force: true })
})

const call = (m: string, a: unknown): Promise<unknown> => {
  if (!core) throw new Error('no core')
  return core.dispatcher.dispatch(m, a, ctx)
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000
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

describe('index status and the secret-files opt-in in the app', { timeout: 90_000 }, () => {
  it('shows what was left out and why; opting in indexes .env, opting out removes it', async () => {
    core = await Core.create({ dataDir, workspace: ws, log: () => undefined })
    const st = await until(
      () => call('index.status', {}) as Promise<IndexStatus>,
      (s) => s.state === 'ready' && s.files > 0 && s.skipped !== undefined,
      'index ready',
    )
    expect(st.skipped?.sample).toEqual(
      expect.arrayContaining([
        { path: '.env', reason: 'may contain secrets (set index.includeSecretFiles to index it)' },
        { path: 'passwd', reason: 'symlink to outside the workspace' },
      ]),
    )
    expect(await hits('zzsecretvaluezz')).toEqual([])
    expect(await hits('zzoutsidezz')).toEqual([])

    await call('settings.update', { scope: 'user', patch: { index: { includeSecretFiles: true } } })
    await until(
      () => hits('zzsecretvaluezz'),
      (h) => h.includes('.env'),
      '.env indexed after opting in',
    )
    const after = (await call('index.status', {})) as IndexStatus
    expect(after.skipped?.sample.map((s) => s.path)).not.toContain('.env')
    expect(await hits('zzoutsidezz')).toEqual([])

    await call('settings.update', { scope: 'user', patch: { index: { includeSecretFiles: false } } })
    await until(
      () => hits('zzsecretvaluezz'),
      (h) => h.length === 0,
      '.env removed after opting out',
    )
  })
})
