import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeHub } from '../../helpers/fakeHub'
import { testModel } from '../../helpers/testModels'
import { runCli, type CliResult } from '../index/cliHelpers'

// `hearth models` as a user runs it: a separate process against a local server with Hugging
// Face's layout, then `hearth complete` on the settings it wrote, with the real engine.
const MODEL = testModel('stories260K-fim-test.gguf')
const FILE = 'stories260K-fim-test.gguf'
const EMBED_FILE = 'nomic-embed-text-v1.5.Q8_0.gguf'

/** The CLI from source in its own process, with this test's environment on top. */
const hearth = (args: string[], env: Record<string, string>): Promise<CliResult> => runCli(args, { env })

let hub: FakeHub
let dataDir: string
let env: Record<string, string>

beforeEach(async () => {
  const bytes = new Uint8Array(await readFile(MODEL))
  hub = await new FakeHub([
    { repo: 'tiny/stories-GGUF', file: FILE, bytes },
    // The catalogue's embedding model under its real path (the tiny model's bytes stand in).
    { repo: 'nomic-ai/nomic-embed-text-v1.5-GGUF', file: EMBED_FILE, bytes },
  ]).start()
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-models-cli-'))
  env = { HEARTH_DATA_DIR: dataDir, HF_ENDPOINT: hub.url }
})

afterEach(async () => {
  await hub.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('hearth models', { timeout: 240_000 }, () => {
  it('pulls a model, wires it into the profile with --use, and hearth complete then answers with it', async () => {
    const pulled = await hearth(['models', 'pull', `hf:tiny/stories-GGUF/${FILE}`, '--use'], env)
    expect(pulled.stderr).toBe('')
    expect(pulled.code).toBe(0)
    expect(pulled.stdout).toContain(join(dataDir, 'models', FILE))
    expect(pulled.stdout).toMatch(/laptop profile now uses it for completion/)
    const settings = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as {
      profiles: { laptop: { tasks: { completion: { chain: { endpoints: string[]; model: string }[] } } } }
    }
    expect(settings.profiles.laptop.tasks.completion.chain[0]).toEqual({
      endpoints: ['embedded'],
      model: FILE,
    })

    const listed = await hearth(['models', 'list', '--json'], env)
    expect(JSON.parse(listed.stdout)).toMatchObject({
      installed: [{ fileName: FILE, partial: false, id: null }],
    })

    const src = join(dataDir, 'a.ts')
    await writeFile(src, 'function add(a: number, b: number) {\n  return \n}\n')
    const done = await hearth(['complete', '--file', src, '--line', '2', '--column', '10', '--json'], env)
    expect(done.stderr).toBe('')
    expect(done.code).toBe(0)
    const out = JSON.parse(done.stdout.trim().split('\n').pop() ?? '{}') as {
      provider?: string
      model?: string
    }
    expect(out).toMatchObject({ model: FILE })
    expect(out.provider).toMatch(/embedded/)
  })

  it('pulls the embedding model with --use, and hearth index then embeds with it on the engine', async () => {
    const pulled = await hearth(['models', 'pull', 'nomic-embed-text', '--use'], env)
    expect(pulled.stderr).toBe('')
    expect(pulled.stdout).toMatch(/laptop profile now uses it for embedding/)
    const ws = join(dataDir, 'ws')
    await mkdir(ws)
    await writeFile(join(ws, 'add.ts'), 'export function add(a: number, b: number) {\n  return a + b\n}\n')
    await writeFile(join(ws, 'story.md'), 'Once upon a time there was a little dog.\n')
    const indexed = await hearth(['index', ws, '--json'], env)
    expect(indexed.code).toBe(0)
    expect(JSON.parse(indexed.stdout)).toMatchObject({
      embedder: `embedded:${EMBED_FILE}`,
      pendingEmbeddings: 0,
    })
    const found = await hearth(
      ['search', '--workspace', ws, '--mode', 'vector', '--json', 'add two numbers'],
      env,
    )
    expect(found.code).toBe(0)
    const res = JSON.parse(found.stdout) as { results: { path: string; score: number }[]; notice?: string }
    expect(res.notice).toBeUndefined()
    expect(res.results.map((r) => r.path).sort()).toEqual(['add.ts', 'story.md'])
    for (const r of res.results) expect(Number.isFinite(r.score)).toBe(true)
  })

  it('recommends one model per task with a reason', async () => {
    const r = await hearth(['models', 'recommend', '--json'], env)
    const recs = JSON.parse(r.stdout) as { task: string; id: string; why: string }[]
    expect(recs.map((x) => x.task)).toEqual(['completion', 'chat', 'embedding'])
    for (const x of recs) expect(x.why).toMatch(/\w+/)
  })

  it('refuses to download in the offline profile, says why, and sends nothing', async () => {
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ profile: 'offline' }))
    const r = await hearth(['models', 'pull', `hf:tiny/stories-GGUF/${FILE}`], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/offline profile/)
    expect(hub.requests).toHaveLength(0)
  })

  it('says what to type for an unknown model', async () => {
    const r = await hearth(['models', 'pull', 'gpt-5'], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/not a model Hearth can download.*hearth models list/)
  })
})
