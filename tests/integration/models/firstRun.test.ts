import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ModelsOverview } from '@shared/contract/models'
import { CATALOGUE } from '../../../src/main/core/models/catalogue'
import { Core } from '../../../src/main/core/createCore'
import type { CallContext } from '../../../src/main/core/rpc/handlers'
import { FakeHub } from '../../helpers/fakeHub'
import { testModel } from '../../helpers/testModels'

// From a fresh data dir to a completion through the app's own calls, as the getting-started page
// makes them: no settings file is written by hand. The local mirror serves the real test GGUF under
// every catalogue entry's path, so whichever model this machine is recommended, the engine loads it.
const MODEL = testModel('stories260K-fim-test.gguf')
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }

let hub: FakeHub
let dataDir: string
let workspace: string
let core: Core | undefined
const savedEndpoint = process.env.HF_ENDPOINT

beforeEach(async () => {
  const bytes = new Uint8Array(await readFile(MODEL))
  hub = await new FakeHub([
    { repo: 'gated/tiny-GGUF', file: 'stories260K-fim-test.gguf', bytes, token: 'hf_saved_token' },
    ...CATALOGUE.map((m) => ({ repo: m.gguf.repo, revision: m.gguf.revision, file: m.gguf.file, bytes })),
  ]).start()
  process.env.HF_ENDPOINT = hub.url
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-first-run-'))
  workspace = await mkdtemp(join(tmpdir(), 'hearth-first-run-ws-'))
  await writeFile(join(workspace, 'a.ts'), 'export function add(a: number, b: number) {\n  return a + b\n}\n')
})

afterEach(async () => {
  await core?.dispose()
  core = undefined
  await hub.close()
  if (savedEndpoint === undefined) delete process.env.HF_ENDPOINT
  else process.env.HF_ENDPOINT = savedEndpoint
  await rm(dataDir, { recursive: true, force: true })
  await rm(workspace, { recursive: true, force: true })
})

const call = (method: string, args: unknown): Promise<unknown> => {
  if (!core) throw new Error('no core')
  return core.dispatcher.dispatch(method, args, ctx)
}

describe('first run', { timeout: 120_000 }, () => {
  it('a fresh data dir asks for setup; one call downloads the recommended model and completions use it', async () => {
    core = await Core.create({ dataDir, workspace, log: () => undefined })
    const before = (await call('models.overview', {})) as ModelsOverview
    expect(before.setupDone).toBe(false)
    expect(before.offline).toBe(false)
    const rec = before.recommended.find((r) => r.task === 'completion')
    expect(rec?.why).toMatch(/core/)
    const progress: unknown[] = []
    core.events.subscribe((e, p) => e === 'models.progress' && progress.push(p))

    const pulled = (await call('models.pull', { spec: rec?.id, use: true })) as {
      usedFor: string
      path: string
    }
    expect(pulled.usedFor).toBe('completion')
    expect(progress.length).toBeGreaterThan(0)
    const entry = CATALOGUE.find((m) => m.id === rec?.id)
    const after = (await call('models.overview', {})) as ModelsOverview
    expect(after.catalogue.find((c) => c.id === rec?.id)?.installed).toBe(true)

    const done = (await call('completion.request', {
      editorId: 'e',
      requestId: 1,
      path: 'a.ts',
      language: 'typescript',
      prefix: 'export function add(a: number, b: number) {\n  return ',
      suffix: '\n}\n',
      line: 2,
      column: 10,
      offset: 52,
      trigger: 'explicit',
    })) as { text: string; provider: string; model: string }
    expect(done.provider).toMatch(/embedded/)
    expect(done.model).toBe(entry?.gguf.file)

    await call('models.setupDone', { done: true })
    expect(((await call('models.overview', {})) as ModelsOverview).setupDone).toBe(true)
  })

  it('downloads from the mirror the user settings name, with the Hugging Face token saved in the secret store', async () => {
    delete process.env.HF_ENDPOINT
    core = await Core.create({ dataDir, log: () => undefined })
    expect(((await call('models.overview', {})) as ModelsOverview).hubEndpoint).toBe('https://huggingface.co')
    await call('settings.update', { scope: 'user', patch: { models: { hubEndpoint: hub.url } } })
    const o = (await call('models.overview', {})) as ModelsOverview
    expect(o).toMatchObject({ hubEndpoint: hub.url, hubEndpointSetting: hub.url, hasHubToken: false })
    const spec = 'hf:gated/tiny-GGUF/stories260K-fim-test.gguf'
    await expect(call('models.pull', { spec })).rejects.toThrow(/needs a Hugging Face token/)
    expect(await call('models.setHubToken', { token: 'hf_saved_token' })).toEqual({ hasToken: true })
    await call('models.pull', { spec })
    expect(hub.requests.at(-2)?.authorization).toBe('Bearer hf_saved_token')
    // The token is in the secret store, not in any settings file.
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).not.toContain('hf_saved_token')
  })
})
