import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Core } from '../../../src/main/core/createCore'
import type { CallContext } from '../../../src/main/core/rpc/handlers'
import { AesGcmEncryptor } from '../../../src/main/core/secrets/aesGcmEncryptor'
import { EncryptedFileSecretStore } from '../../../src/main/core/secrets/encryptedFileSecretStore'
import type { HearthError } from '../../../src/shared/errors'
import { FakeOpenAi } from '../../helpers/fakeOpenAi'
import { FakeTritonRepo } from '../../helpers/fakeTritonRepo'
import { writeSampleWorkspace } from '../../helpers/sampleWorkspace'

/**
 * A bearer token goes in through `settings.setToken` and is used (the servers check it), then we
 * look everywhere it must not be: every contract response and event, every log line (the core's
 * log sink and the console), the settings files, and every byte under the data directory — the
 * PGlite index, the completion cache and the (encrypted) secrets file included.
 */
const TOKEN = `tok_${randomBytes(12).toString('hex')}`
const TRITON_TOKEN = `gw_${randomBytes(12).toString('hex')}`
/** A key the user pasted into their settings file by hand: refused there, and never echoed back. */
const PASTED = `sk_${randomBytes(12).toString('hex')}`

let openai: FakeOpenAi
let triton: FakeTritonRepo
let dataDir: string
let root: string
let core: Core | undefined
const logs: string[] = []
const seen: string[] = []
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }

async function call(method: string, args: unknown): Promise<unknown> {
  try {
    const r = await core!.dispatcher.dispatch(method, args, ctx)
    seen.push(JSON.stringify(r))
    return r
  } catch (err) {
    seen.push(JSON.stringify({ message: (err as Error).message, details: (err as HearthError).details }))
    throw err
  }
}

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await allFiles(p)))
    else if (e.isFile()) out.push(p)
  }
  return out
}

beforeAll(async () => {
  openai = await new FakeOpenAi().start()
  openai.token = TOKEN
  triton = await new FakeTritonRepo().start()
  triton.token = TRITON_TOKEN
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-secret-data-'))
  root = await mkdtemp(join(tmpdir(), 'hearth-secret-ws-'))
  await writeSampleWorkspace(root)
  await writeFile(
    join(dataDir, 'settings.json'),
    JSON.stringify({
      profile: 'remote',
      endpoints: {
        openai: { url: openai.url, apiKey: PASTED },
        triton: { url: triton.url },
      },
      profiles: {
        remote: {
          tasks: {
            completion: { chain: [{ endpoints: ['openai'], model: 'qwen2.5-coder-1.5b' }], timeoutMs: 5000 },
            embedding: { chain: [{ endpoints: ['triton'], model: 'embedder' }], timeoutMs: 5000 },
            chat: { chain: [{ endpoints: ['openai'], model: 'qwen2.5-coder-1.5b' }], timeoutMs: 5000 },
            reasoning: { chain: [{ endpoints: ['openai'], model: 'qwen2.5-coder-1.5b' }], timeoutMs: 5000 },
          },
        },
      },
    }),
  )
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, m).mockImplementation((...a: unknown[]) => {
      logs.push(
        a
          .map((x) =>
            x instanceof Error
              ? `${x.message} ${x.stack ?? ''}`
              : typeof x === 'string'
                ? x
                : JSON.stringify(x),
          )
          .join(' '),
      )
    })
  }
})

afterAll(async () => {
  await core?.dispose()
  vi.restoreAllMocks()
  await Promise.all([openai.close(), triton.close()])
  await rm(dataDir, { recursive: true, force: true })
  await rm(root, { recursive: true, force: true })
})

describe('tokens never leak', () => {
  it('are used for requests but appear in no response, event, log, settings file or database byte', async () => {
    const secrets = new EncryptedFileSecretStore(
      join(dataDir, 'secrets.json'),
      new AesGcmEncryptor(randomBytes(32)),
    )
    core = await Core.create({
      dataDir,
      workspace: root,
      secrets,
      log: (level, m) => logs.push(`${level}: ${m}`),
    })
    core.events.subscribe((event, payload) => seen.push(`${event} ${JSON.stringify(payload)}`))

    // Before the token: unauthorized, with a fix, and no token in the view.
    const before = (await call('backends.check', {})) as {
      endpoints: { id: string; state: string; hasToken: boolean }[]
    }
    expect(before.endpoints.find((e) => e.id === 'openai')).toMatchObject({
      state: 'unauthorized',
      hasToken: false,
    })

    expect(await call('settings.setToken', { endpointId: 'openai', token: TOKEN })).toMatchObject({
      hasToken: true,
      persistent: true,
    })
    await call('settings.setToken', { endpointId: 'triton', token: TRITON_TOKEN })
    const after = (await call('backends.check', {})) as {
      endpoints: { id: string; state: string; hasToken: boolean }[]
    }
    expect(after.endpoints.find((e) => e.id === 'openai')).toMatchObject({ state: 'ok', hasToken: true })
    expect(after.endpoints.find((e) => e.id === 'triton')).toMatchObject({ state: 'ok', hasToken: true })
    const view = (await call('settings.get', {})) as { tokens: Record<string, { hasToken: boolean }> }
    expect(view.tokens.openai).toEqual({ hasToken: true })

    // The token is really used.
    const done = (await call('completion.request', {
      editorId: 'e',
      requestId: 1,
      path: 'src/a.ts',
      language: 'typescript',
      prefix: 'const x = ',
      suffix: '\n',
      line: 1,
      column: 11,
      offset: 10,
      trigger: 'explicit',
    })) as { text: string }
    expect(done.text.length).toBeGreaterThan(0)
    expect(openai.requests.some((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true)
    await call('models.list', {})
    expect(triton.requests.some((r) => r.headers.authorization === `Bearer ${TRITON_TOKEN}`)).toBe(true)
    await call('profiles.list', {})
    await call('backends.status', {})

    // Attempts to put it in a settings file are refused — and the refusals do not echo it.
    await expect(
      call('settings.update', { scope: 'user', patch: { endpoints: { openai: { token: TOKEN } } } }),
    ).rejects.toThrow(/secret store/)
    await expect(
      call('settings.update', { scope: 'user', patch: { endpoints: { openai: { label: TOKEN } } } }),
    ).rejects.toThrow(/refusing to write a token/)
    await expect(
      call('settings.update', { scope: 'workspace', patch: { health: { slowMs: TOKEN } } }),
    ).rejects.toThrow()
    // A legitimate update still works.
    await call('settings.update', { scope: 'user', patch: { health: { slowMs: 900 } } })
    await call('settings.update', { scope: 'workspace', patch: { health: { slowMs: 800 } } })

    // A server that echoes the Authorization header in its error: the message is redacted.
    openai.fault = {
      kind: 'status',
      status: 500,
      body: JSON.stringify({ error: `bad header Bearer ${TOKEN}` }),
    }
    const failed: unknown = await call('completion.request', {
      editorId: 'e',
      requestId: 2,
      path: 'src/a.ts',
      language: 'typescript',
      prefix: 'const y = ',
      suffix: '\n',
      line: 1,
      column: 11,
      offset: 10,
      trigger: 'explicit',
    }).catch((e: unknown) => e)
    seen.push(JSON.stringify(failed))
    await call('completion.status', {}).catch(() => undefined)
    await call('backends.status', {})
    await call('models.list', {})
    openai.fault = undefined

    // Let the index finish so its database is on disk, then close everything (flushes caches).
    const deadline = Date.now() + 60_000
    for (;;) {
      const st = (await call('index.status', {})) as { state: string; files: number }
      if (st.state === 'ready' && st.files > 0) break
      if (Date.now() > deadline) throw new Error('index not ready')
      await new Promise((r) => setTimeout(r, 100))
    }
    await call('search.query', { query: 'router' })
    await core.dispose()
    core = undefined

    // The echo really happened and was caught (so the checks below are not vacuous).
    expect(seen.some((x) => x.includes('Bearer ‹redacted›'))).toBe(true)
    expect(logs.some((x) => x.includes('Bearer ‹redacted›'))).toBe(true)
    // 1. Contract responses and events.
    expect(seen.length).toBeGreaterThan(10)
    for (const s of seen) {
      expect(s).not.toContain(TOKEN)
      expect(s).not.toContain(TRITON_TOKEN)
      expect(s).not.toContain(PASTED)
    }
    expect(seen.some((x) => x.includes('endpoints.openai.apiKey'))).toBe(true) // reported, by key only
    // 2. Logs.
    for (const l of logs) {
      expect(l).not.toContain(TOKEN)
      expect(l).not.toContain(TRITON_TOKEN)
      expect(l).not.toContain(PASTED)
    }
    // 3. Every byte under the data directory and the workspace's settings.
    const files = [...(await allFiles(dataDir)), join(root, '.hearth', 'settings.json')]
    expect(files.some((f) => f.endsWith('PG_VERSION'))).toBe(true) // the PGlite database is among them
    expect(files).toContain(join(dataDir, 'settings.json'))
    expect(files).toContain(join(dataDir, 'secrets.json'))
    let bytes = 0
    for (const f of files) {
      const buf = await readFile(f)
      bytes += buf.byteLength
      for (const t of [TOKEN, TRITON_TOKEN]) {
        expect(buf.includes(Buffer.from(t, 'utf8')), `${t.slice(0, 3)}… found in ${f}`).toBe(false)
        expect(buf.includes(Buffer.from(t, 'utf16le')), `${t.slice(0, 3)}… (UTF-16) found in ${f}`).toBe(
          false,
        )
      }
    }
    expect(bytes).toBeGreaterThan(100_000)
    expect((await stat(join(dataDir, 'secrets.json'))).size).toBeGreaterThan(0)
  })
})
