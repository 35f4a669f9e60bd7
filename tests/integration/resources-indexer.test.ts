import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IndexStatus } from '../../src/shared/contract/search'
import { Core } from '../../src/main/core/createCore'
import { CodeHashEmbedder } from '../../src/main/core/inference/codeHashEmbedder'
import type { EmbedQueueState } from '../../src/main/core/index/embedQueue'
import { BATCH_FILES, type IndexProgress } from '../../src/main/core/index/indexer'
import { WorkspaceIndex } from '../../src/main/core/index/workspaceIndex'
import { ResourceMonitor } from '../../src/main/core/resources/monitor'
import { DEFAULT_POLICY_CONFIG } from '../../src/main/core/resources/policy'
import { ResourceController } from '../../src/main/core/resources/resourceController'
import { SimulatedPowerSource } from '../../src/main/core/resources/simulatedPowerSource'

/**
 * Simulated power events drive a REAL indexer run (PGlite store in its worker, chunker, FTS,
 * embedding queue with the built-in embedder): battery 15 % pauses it, thermal "serious" on AC
 * lets it crawl, nominal again lets it finish. Only the power source is simulated.
 */
// Enough files that a pause lands mid-run whatever the indexer's batch size.
const FILES = 10 * BATCH_FILES

async function writeWorkspace(root: string, n: number): Promise<void> {
  for (let d = 0; d < n / 100; d++) await mkdir(join(root, `pkg${d}`), { recursive: true })
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      writeFile(
        join(root, `pkg${Math.floor(i / 100)}`, `module${i}.ts`),
        [
          `/** Module ${i}: parses and validates record type ${i % 17}. */`,
          `export interface Record${i} { id: number; name: string; tags: string[] }`,
          '',
          `export function parseRecord${i}(line: string): Record${i} {`,
          `  const [id, name, ...tags] = line.split(',')`,
          `  return { id: Number(id), name: name ?? 'unnamed-${i}', tags }`,
          '}',
          '',
          `export function validateRecord${i}(r: Record${i}): string[] {`,
          '  const errors: string[] = []',
          "  if (!Number.isInteger(r.id)) errors.push('id must be an integer')",
          "  if (r.name.length === 0) errors.push('name is empty')",
          '  return errors',
          '}',
          '',
        ].join('\n'),
      ),
    ),
  )
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

describe('power events pause and resume a real indexer', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-res-idx-'))
    await writeWorkspace(root, FILES)
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('battery 15 % → paused; thermal serious on AC → slow; nominal → finishes', async () => {
    const progress: IndexProgress[] = []
    const embedStates: EmbedQueueState[] = []
    const power = new SimulatedPowerSource({ onBattery: false })
    // No probes: the machine's real CPU load (shared CI box) must not add conditions of its own.
    const controller = new ResourceController({
      monitor: new ResourceMonitor({ probes: [], power }),
      config: { ...DEFAULT_POLICY_CONFIG, minDwellMs: 500 },
    })
    controller.start()
    const idx = await WorkspaceIndex.open({
      root,
      dbDir: null,
      embedder: new CodeHashEmbedder(),
      onProgress: (p) => progress.push(p),
      onEmbedState: (s) => embedStates.push(s),
    })
    const off = controller.register(idx)
    const done = (): number => progress.filter((p) => p.phase === 'indexing').at(-1)?.done ?? 0
    try {
      const scan = idx.fullScan()
      await until(() => done() >= BATCH_FILES, 60_000, 'the first indexed batch')

      // Unplugged at 15 %: the policy pauses background work.
      power.unplug(15)
      expect(controller.budgets().background).toMatchObject({
        paused: true,
        embedPerMinute: 0,
        reason: 'battery low (15 %)',
      })
      // Each worker is handed one request at a time, and each request waits while paused: only
      // the write the store is on finishes (however many batches are in flight); no further one
      // starts. Wait until progress has stood still for 1.5 s.
      const atUnplug = done()
      let pausedAt = atUnplug
      for (let still = 0; still < 1_500;) {
        await sleep(100)
        if (done() === pausedAt) still += 100
        else [pausedAt, still] = [done(), 0]
      }
      expect(pausedAt - atUnplug).toBeLessThanOrEqual(BATCH_FILES)
      const embeddedAt = idx.queue?.state.embedded ?? 0
      await sleep(2_000)
      expect(done()).toBe(pausedAt)
      expect(pausedAt).toBeLessThan(FILES)
      expect(idx.queue?.state).toMatchObject({ status: 'paused', reason: 'battery low (15 %)' })
      expect(idx.queue?.state.embedded).toBe(embeddedAt)

      // Thermal serious while still on low battery: still paused.
      power.setThermal('serious')
      await sleep(500)
      expect(done()).toBe(pausedAt)

      // Back on AC but hot: indexing resumes one batch at a time, embeddings at 30/min.
      power.plugIn()
      expect(controller.budgets().background).toMatchObject({
        paused: false,
        indexConcurrency: 1,
        embedPerMinute: 30,
      })
      await until(() => done() > pausedAt, 30_000, 'indexing to resume on AC')
      const slowStart = idx.queue?.state.embedded ?? 0
      await sleep(2_000)
      // 30 per minute in batches of ≤ 8: at most one batch (+ one in flight) in 2 s.
      expect((idx.queue?.state.embedded ?? 0) - slowStart).toBeLessThanOrEqual(16)

      // Cooled down: full speed, the scan completes and the embedding backlog drains.
      power.setThermal('nominal')
      await until(() => controller.budgets().background.embedPerMinute === Infinity, 5_000, 'full speed')
      const summary = await scan
      expect(summary.seen).toBe(FILES)
      expect(summary.indexed).toBe(FILES)
      const drained = await idx.waitForEmbeddings()
      expect(drained?.status).toBe('idle')
      const stats = await idx.stats()
      expect(stats.files).toBe(FILES)
      expect(embedStates.map((s) => s.status)).toEqual(expect.arrayContaining(['paused', 'running', 'idle']))
    } finally {
      off()
      controller.dispose()
      await idx.close()
    }
  })

  it('the app wiring (Core + IndexService) reports the pause with its reason and resumes', async () => {
    const power = new SimulatedPowerSource({ onBattery: false })
    const data = await mkdtemp(join(tmpdir(), 'hearth-res-idx-data-'))
    const core = await Core.create({ dataDir: data, workspace: root, power })
    const statuses: IndexStatus[] = []
    const off = core.events.subscribe((e, p) => {
      if (e === 'index.status') statuses.push(p as IndexStatus)
    })
    try {
      power.unplug(12)
      await until(
        () => statuses.some((s) => s.paused && s.reason === 'battery low (12 %)'),
        10_000,
        'paused status',
      )
      power.plugIn()
      await until(() => statuses.at(-1)?.paused === false, 10_000, 'resumed status')
      await core.index.ready()
      expect(statuses.at(-1)?.files).toBe(FILES)
    } finally {
      off()
      await core.dispose()
      await rm(data, { recursive: true, force: true })
    }
  })
})
