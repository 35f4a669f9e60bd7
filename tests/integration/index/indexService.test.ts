import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IndexStatus } from '../../../src/shared/contract/search'
import { EventBus } from '../../../src/main/core/base/eventBus'
import { IndexService } from '../../../src/main/core/index/indexService'
import { searchHandlers } from '../../../src/main/core/index/searchHandlers'
import { FULL_SPEED } from '../../../src/main/core/resources/budgets'
import { WorkspaceService } from '../../../src/main/core/workspace/workspaceService'
import { tempDir, until } from './cliHelpers'

const SLOW = 240_000
const ctx = { signal: new AbortController().signal, transport: 'local' as const }

describe('IndexService in the core (real workspace service, watcher and PGlite)', () => {
  const tmp = tempDir('service')
  const root = join(tmp.dir, 'ws')
  const events = new EventBus()
  const statuses: IndexStatus[] = []
  events.subscribe((e, p) => {
    if (e === 'index.status') statuses.push(p as IndexStatus)
  })
  const workspace = new WorkspaceService({ events, stateDir: join(tmp.dir, 'state') })
  const service = new IndexService({ events, workspace, dataDir: join(tmp.dir, 'data') })
  const handlers = searchHandlers(service)

  beforeAll(async () => {
    mkdirSync(join(root, 'src'), { recursive: true })
    writeFileSync(
      join(root, 'src', 'http.ts'),
      'export function parseHttpHeader(raw: string): [string, string] {\n  const i = raw.indexOf(":")\n  return [raw.slice(0, i), raw.slice(i + 1)]\n}\n',
    )
    writeFileSync(
      join(root, 'src', 'main.ts'),
      'import { parseHttpHeader } from "./http"\n\nexport const h = parseHttpHeader("a: b")\n',
    )
    await workspace.open(root)
    await service.ready()
  }, SLOW)
  afterAll(async () => {
    await service.dispose()
    await workspace.dispose()
    tmp.cleanup()
  })

  it(
    'indexes on open, reports status, serves search.query, follows saves',
    async () => {
      const st = await until('embedded', async () => {
        const s = await handlers['index.status']({}, ctx)
        return s.state === 'ready' && s.files === 2 && s.embedBacklog === 0 ? s : undefined
      })
      expect(st.embedder).toMatch(/^hearth-hash:/)
      expect(statuses.some((s) => s.state === 'scanning' || s.state === 'indexing')).toBe(true)

      const r = await handlers['search.query']({ query: 'parse http header' }, ctx)
      expect(r.mode).toBe('hybrid')
      const def = r.results.slice(0, 2).find((x) => x.path === 'src/http.ts')
      expect(def).toMatchObject({ startLine: 1, snippetLine: 1 })
      expect(def?.matchLines).toContain(1)

      writeFileSync(
        join(root, 'src', 'retry.ts'),
        'export async function retryWithBackoff(fn: () => Promise<void>) {\n  await fn()\n}\n',
      )
      const found = await until('saved file searchable', async () => {
        const s = await handlers['search.query']({ query: 'retryWithBackoff', mode: 'fts' }, ctx)
        return s.results[0]?.path === 'src/retry.ts' ? s : undefined
      })
      expect(found.results[0]?.snippet).toContain('retryWithBackoff')

      const glob = await handlers['search.query'](
        { query: 'parse http header', pathGlob: 'src/main.ts' },
        ctx,
      )
      expect(glob.results.every((x) => x.path === 'src/main.ts')).toBe(true)
    },
    SLOW,
  )

  it('shows a paused budget and its reason; gives completion context from other files', async () => {
    service.setBudgets({
      ...FULL_SPEED,
      background: { ...FULL_SPEED.background, paused: true, reason: 'on battery (15 %)' },
    })
    expect(service.getStatus()).toMatchObject({ paused: true, reason: 'on battery (15 %)' })
    service.setBudgets(FULL_SPEED)
    expect(service.getStatus().paused).toBe(false)

    const snippets = await service.snippets(
      {
        path: 'src/main.ts',
        language: 'typescript',
        prefix: 'const x = parseHttpHeader(',
        suffix: ')\n',
        line: 1,
        column: 27,
      },
      new AbortController().signal,
    )
    expect(snippets[0]).toMatchObject({ path: 'src/http.ts', kind: 'definition', startLine: 1 })
    expect(snippets[0]?.text).toContain('export function parseHttpHeader')
  })
})

describe('IndexService dispose', () => {
  it('ends a scan that the pause holds instead of waiting for it', async () => {
    const tmp = tempDir('service-paused')
    const root = join(tmp.dir, 'ws')
    mkdirSync(root, { recursive: true })
    for (let i = 0; i < 20; i++) writeFileSync(join(root, `f${i}.ts`), `export const v${i} = ${i}\n`)
    const events = new EventBus()
    const workspace = new WorkspaceService({ events, stateDir: join(tmp.dir, 'state') })
    const service = new IndexService({ events, workspace, dataDir: join(tmp.dir, 'data') })
    // Paused from the start, and nothing will lift it (as when the resource controller has let go).
    service.setBudgets({
      ...FULL_SPEED,
      background: { ...FULL_SPEED.background, paused: true, reason: 'test' },
    })
    try {
      await workspace.open(root)
      await until('scan held by the pause', async () => {
        const s = await searchHandlers(service)['index.status']({}, ctx)
        return s.state === 'scanning' || s.state === 'indexing' ? s : undefined
      })
      const disposed = service.dispose().then(() => 'disposed')
      const late = new Promise((r) => setTimeout(() => r('still waiting after 20 s'), 20_000).unref())
      await expect(Promise.race([disposed, late])).resolves.toBe('disposed')
    } finally {
      await workspace.dispose()
      tmp.cleanup()
    }
  }, 60_000)
})
