import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { DownloadLock } from '../../../src/main/core/models/downloadLock'
import { downloadHubFile, partialPath, type DownloadProgress } from '../../../src/main/core/models/download'
import { ModelManager } from '../../../src/main/core/models/modelManager'
import { HttpClient } from '../../../src/main/core/net/httpClient'
import { FakeHub } from '../../helpers/fakeHub'
import { testModel } from '../../helpers/testModels'

const MODEL = testModel('stories260K-fim-test.gguf')
const REPO = 'tiny/stories-GGUF'
const FILE = 'stories260K-fim-test.gguf'

let bytes: Uint8Array
let sha: string
let hub: FakeHub
let dir: string
let http: HttpClient

beforeAll(async () => {
  bytes = new Uint8Array(await readFile(MODEL))
  sha = FakeHub.sha256(bytes)
})

beforeEach(async () => {
  hub = await new FakeHub([
    { repo: REPO, file: FILE, bytes },
    { repo: 'gated/secret-GGUF', file: FILE, bytes, token: 'hf_test_token' },
  ]).start()
  dir = await mkdtemp(join(tmpdir(), 'hearth-models-'))
  http = new HttpClient()
})

afterEach(async () => {
  http.dispose()
  await hub.close()
  await rm(dir, { recursive: true, force: true })
})

const url = (repo = REPO): URL => new URL(`${hub.url}/${repo}/resolve/main/${FILE}`)

const manager = (extra: Partial<ConstructorParameters<typeof ModelManager>[0]> = {}): ModelManager =>
  new ModelManager({ http, modelsDir: dir, offline: () => false, env: { HF_ENDPOINT: hub.url }, ...extra })

async function rejection(p: Promise<unknown>): Promise<HearthError> {
  try {
    await p
  } catch (err) {
    if (err instanceof HearthError) return err
    throw err
  }
  throw new Error('expected a rejection')
}

describe('downloads from a Hugging Face layout', () => {
  it('follows the redirect, verifies the hub sha256 and moves the file into place', async () => {
    const progress: DownloadProgress[] = []
    const res = await manager().pull(`hf:${REPO}/${FILE}`, (p) => progress.push(p))
    expect(res.path).toBe(join(dir, FILE))
    expect(res.sha256).toBe(sha)
    expect(FakeHub.sha256(new Uint8Array(await readFile(res.path)))).toBe(sha)
    expect(await readdir(dir)).toEqual([FILE])
    expect(hub.requests.map((r) => r.path)).toEqual([
      `/${REPO}/resolve/main/${FILE}`,
      `/cdn/${REPO}/resolve/main/${FILE}`,
    ])
    expect(progress.at(-1)).toMatchObject({ phase: 'done', bytes: bytes.length, totalBytes: bytes.length })
    expect(progress.some((p) => p.phase === 'downloading')).toBe(true)
  })

  it('resumes with a Range request after the connection is cut, at several points', async () => {
    hub.cutAfter = [1, 4096, 300_000, 600_000]
    const res = await manager().pull(`hf:${REPO}/${FILE}`)
    expect(res.resumed).toBe(true)
    expect(FakeHub.sha256(new Uint8Array(await readFile(res.path)))).toBe(sha)
    // One request per cut plus the last; each later one asks for the bytes after those kept (what
    // reached the disk before the cut, which may be a little less than what the server wrote).
    const cdn = hub.requests.filter((r) => r.path.startsWith('/cdn/'))
    expect(cdn).toHaveLength(5)
    const starts = cdn.map((r) => Number(/^bytes=(\d+)-$/.exec(r.range ?? 'bytes=0-')?.[1]))
    expect(starts.filter((s) => s > 0).length).toBeGreaterThanOrEqual(2)
    expect([...starts].sort((a, b) => a - b)).toEqual(starts)
  })

  it('continues a partial file left by an earlier run (no retries) instead of starting over', async () => {
    const cut = 64 * 1024 + Math.floor(Math.random() * (bytes.length - 64 * 1024 - 1))
    // Any point: the first byte, the middle of a write, one short of the end.
    hub.cutAfter = [cut]
    const err = await rejection(downloadHubFile({ http, url: url(), dir, fileName: FILE, retries: 0 }))
    expect(err.message).toMatch(/reset|closed|ended|network|socket/i)
    const kept = (await stat(partialPath(dir, FILE)).catch(() => ({ size: 0 }))).size
    expect(kept).toBeLessThanOrEqual(cut)
    const res = await downloadHubFile({ http, url: url(), dir, fileName: FILE, retries: 0 })
    expect(res).toMatchObject({
      resumed: kept > 0,
      downloadedBytes: bytes.length - kept,
      bytes: bytes.length,
    })
    if (kept > 0) expect(hub.requests.at(-1)?.range).toBe(`bytes=${kept}-`)
    expect(FakeHub.sha256(new Uint8Array(await readFile(res.path)))).toBe(sha)
    expect(await readdir(dir)).toEqual([FILE])
  })

  it('starts over when the server ignores Range', async () => {
    hub.cutAfter = [100_000]
    hub.noRanges = true
    const res = await manager().pull(`hf:${REPO}/${FILE}`)
    expect(res.resumed).toBe(false)
    expect(FakeHub.sha256(new Uint8Array(await readFile(res.path)))).toBe(sha)
  })

  it('refuses wrong bytes: nothing is installed and the bad partial is deleted', async () => {
    hub.corrupt = true
    const err = await rejection(manager().pull(`hf:${REPO}/${FILE}`))
    expect(err.message).toMatch(/does not match its sha256.*deleted/)
    expect(await readdir(dir)).toEqual([])
  })

  it('refuses a file the hub gives no sha256 for', async () => {
    hub.noHash = true
    const err = await rejection(manager().pull(`hf:${REPO}/${FILE}`))
    expect(err.message).toMatch(/cannot verify it/)
    expect(await readdir(dir)).toEqual([])
  })

  it('refuses a file whose hub sha256 differs from a pinned one, before downloading it', async () => {
    const err = await rejection(
      downloadHubFile({ http, url: url(), dir, fileName: FILE, sha256: 'ab'.repeat(32) }),
    )
    expect(err.message).toMatch(/different version of this file/)
    expect(hub.requests.some((r) => r.path.startsWith('/cdn/'))).toBe(false)
    expect(await readdir(dir)).toEqual([])
  })

  it('downloads a pinned file whose hub sha256 matches the pin', async () => {
    const res = await downloadHubFile({ http, url: url(), dir, fileName: FILE, sha256: sha })
    expect(res.sha256).toBe(sha)
  })

  it('refuses when the disk has too little space, before writing anything', async () => {
    const err = await rejection(
      manager({ freeBytes: () => Promise.resolve(10 * 1024 * 1024) }).pull(`hf:${REPO}/${FILE}`),
    )
    expect(err.message).toMatch(/not enough disk space.*has 10 MB free/)
    expect(await readdir(dir)).not.toContain(FILE)
    expect(hub.requests.filter((r) => r.path.startsWith('/cdn/'))).toHaveLength(1) // headers only
  })

  it('cancels: the partial file stays and the next pull resumes from it', async () => {
    hub.throttle = { chunk: 16 * 1024, delayMs: 20 }
    const m = manager()
    let sawBytes = 0
    const pulling = m.pull(`hf:${REPO}/${FILE}`, (p) => {
      sawBytes = p.bytes
      if (p.bytes > 100_000) m.cancel(`hf:${REPO}/${FILE}`)
    })
    const err = await rejection(pulling)
    expect(err.code).toBe('cancelled')
    const kept = (await stat(partialPath(dir, FILE))).size
    expect(kept).toBeGreaterThan(100_000)
    expect(sawBytes).toBeLessThan(bytes.length)
    hub.throttle = undefined
    const res = await m.pull(`hf:${REPO}/${FILE}`)
    expect(res.resumed).toBe(true)
    expect(res.downloadedBytes).toBe(bytes.length - kept)
    expect(FakeHub.sha256(new Uint8Array(await readFile(res.path)))).toBe(sha)
  })

  it('joins a second pull of the same file to the first (one download)', async () => {
    hub.throttle = { chunk: 64 * 1024, delayMs: 5 }
    const m = manager()
    const [a, b] = await Promise.all([m.pull(`hf:${REPO}/${FILE}`), m.pull(`hf:${REPO}/${FILE}`)])
    expect(a).toBe(b)
    expect(hub.requests.filter((r) => r.path.startsWith('/cdn/'))).toHaveLength(1)
  })

  it('refuses a second download of the same file by another live process', async () => {
    await writeFile(
      join(dir, `${FILE}.lock`),
      JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname() }),
    )
    const err = await rejection(downloadHubFile({ http, url: url(), dir, fileName: FILE }))
    expect(err.code).toBe('busy')
    expect(err.message).toMatch(/another Hearth process/)
  })

  it('takes over the lock of a process that died', async () => {
    await writeFile(
      join(dir, `${FILE}.lock`),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname() }),
    )
    const lock = await DownloadLock.acquire(join(dir, FILE))
    await lock.release()
    expect(await readdir(dir)).toEqual([])
  })

  it('refuses downloads in the offline profile without a request', async () => {
    const err = await rejection(manager({ offline: () => true }).pull(`hf:${REPO}/${FILE}`))
    expect(err.message).toMatch(/offline profile/)
    expect(hub.requests).toHaveLength(0)
  })

  it('sends HF_TOKEN to the hub for a gated repository but never to the CDN on another origin', async () => {
    hub.cdnHost = 'localhost'
    const noToken = await rejection(manager().pull(`hf:gated/secret-GGUF/${FILE}`))
    expect(noToken.code).toBe('unauthorized')
    expect(noToken.message).toMatch(/HF_TOKEN/)
    const res = await manager({ env: { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_test_token' } }).pull(
      `hf:gated/secret-GGUF/${FILE}`,
    )
    expect(res.sha256).toBe(sha)
    const cdn = hub.requests.filter((r) => r.path.startsWith('/cdn/'))
    expect(cdn.at(-1)?.host).toMatch(/^localhost:/)
    expect(cdn.every((r) => r.authorization === undefined)).toBe(true)
    expect(hub.requests.at(-2)?.authorization).toBe('Bearer hf_test_token')
  })

  it('lists and removes installed models, partial ones included', async () => {
    const m = manager()
    await m.pull(`hf:${REPO}/${FILE}`)
    await writeFile(join(dir, 'other.gguf.partial'), 'x')
    await writeFile(join(dir, 'other.gguf.partial.json'), '{}')
    expect((await m.installed()).map((i) => [i.fileName, i.partial])).toEqual([
      ['other.gguf', true],
      [FILE, false],
    ])
    await m.remove('other.gguf')
    await m.remove(FILE)
    expect(await readdir(dir)).toEqual([])
    expect((await rejection(m.remove(FILE))).code).toBe('not_found')
  })
})
