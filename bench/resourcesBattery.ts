import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getLlama, type LlamaEmbeddingContext, type LlamaModel } from 'node-llama-cpp'
import type { EmbedQueueState } from '../src/main/core/index/embedQueue'
import { WorkspaceIndex } from '../src/main/core/index/workspaceIndex'
import type { Embedder } from '../src/main/core/inference/embedder'
import { FULL_SPEED } from '../src/main/core/resources/budgets'
import { ResourceMonitor } from '../src/main/core/resources/monitor'
import { ResourceController } from '../src/main/core/resources/resourceController'
import { SimulatedPowerSource } from '../src/main/core/resources/simulatedPowerSource'
import { REPO_ROOT } from '../tests/helpers/serve'
import { round, SECONDS, sleep, writeCodeWorkspace } from './resourcesCommon'

const MODEL = join(REPO_ROOT, '../shared/models/stories260K.gguf')

/** A real in-process embedding model (tiny, but the same engine and the same CPU-bound loop). */
class LlamaEmbedder implements Embedder {
  readonly id = 'bench-llama:stories260K'
  readonly dimensions = 64
  readonly maxBatch = 8
  private constructor(
    private readonly model: LlamaModel,
    private readonly ctx: LlamaEmbeddingContext,
  ) {}
  static async load(): Promise<LlamaEmbedder> {
    const llama = await getLlama({ gpu: false })
    const model = await llama.loadModel({ modelPath: MODEL })
    return new LlamaEmbedder(model, await model.createEmbeddingContext({ threads: 1, contextSize: 512 }))
  }
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = []
    for (const t of texts) {
      const tokens = this.model.tokenize(t).slice(0, 500)
      out.push(Float32Array.from((await this.ctx.getEmbeddingFor(tokens)).vector))
    }
    return out
  }
  async dispose(): Promise<void> {
    await this.ctx.dispose()
    await this.model.dispose()
  }
}

/**
 * CPU seconds of background embedding during SECONDS on a simulated battery (60 %) vs on AC,
 * through the real controller → policy → WorkspaceIndex, less this process's paused baseline.
 */
export async function batteryVsAc() {
  const root = await mkdtemp(join(tmpdir(), 'hearth-bench-res-ws-'))
  const db = await mkdtemp(join(tmpdir(), 'hearth-bench-res-db-'))
  const embedder = await LlamaEmbedder.load()
  const states: EmbedQueueState[] = []
  const idx = await WorkspaceIndex.open({ root, dbDir: db, embedder, onEmbedState: (s) => states.push(s) })
  try {
    await writeCodeWorkspace(root, 400, 12)
    // Full-text index first (embedding held at 0/min), so the phases measure embedding alone.
    idx.setBudgets({ ...FULL_SPEED, background: { ...FULL_SPEED.background, embedPerMinute: 0 } })
    const scan = await idx.fullScan()
    const backlog = (await idx.stats()).chunks

    const power = new SimulatedPowerSource({ onBattery: false })
    const controller = new ResourceController({
      monitor: new ResourceMonitor({ probes: [], power }),
      overrides: { pauseIndexing: true },
    })
    controller.start()
    const off = controller.register(idx)
    const settle = async (): Promise<void> => {
      controller.setOverrides({ pauseIndexing: true })
      for (let i = 0; i < 300 && idx.queue?.state.status !== 'paused'; i++) await sleep(100)
      await sleep(500)
    }
    const phase = async () => {
      const e0 = idx.queue?.state.embedded ?? 0
      const c0 = process.cpuUsage()
      controller.setOverrides({ pauseIndexing: false })
      const budget = { ...controller.budgets().background }
      await sleep(SECONDS * 1000)
      const u = process.cpuUsage(c0)
      const embedded = (idx.queue?.state.embedded ?? 0) - e0
      await settle()
      return {
        cpuSeconds: (u.user + u.system) / 1e6,
        embedded,
        budget,
      }
    }
    // Baseline: this process with everything paused (timers, GC), to subtract.
    await settle()
    const b0 = process.cpuUsage()
    await sleep(5_000)
    const bu = process.cpuUsage(b0)
    const baselinePerSecond = (bu.user + bu.system) / 1e6 / 5

    power.unplug(60)
    const battery = await phase()
    const batteryBudget = battery.budget
    power.plugIn()
    const ac = await phase()
    off()
    controller.dispose()
    const net = (p: { cpuSeconds: number }): number => Math.max(0, p.cpuSeconds - baselinePerSecond * SECONDS)
    return {
      batteryVsAcIndexCpuRatio: round(net(battery) / net(ac), 4),
      embedder: `${embedder.id} (node-llama-cpp, 1 thread, 64-dim)`,
      workspace: { files: scan.seen, chunks: backlog },
      battery: {
        cpuSeconds: round(net(battery), 2),
        embedded: battery.embedded,
        budget: {
          embedPerMinute: batteryBudget.embedPerMinute,
          embedDutyCycle: batteryBudget.embedDutyCycle ?? 1,
          embedBatchSize: batteryBudget.embedBatchSize,
        },
      },
      ac: {
        cpuSeconds: round(net(ac), 2),
        embedded: ac.embedded,
        backlogExhausted: battery.embedded + ac.embedded >= backlog,
      },
      baselineCpuPercent: round(baselinePerSecond * 100, 3),
    }
  } finally {
    await idx.close()
    await embedder.dispose()
    await rm(root, { recursive: true, force: true })
    await rm(db, { recursive: true, force: true })
  }
}
