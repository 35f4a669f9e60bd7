import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectApi, startServe } from '../tests/helpers/serve'
import { procTicks, round, SECONDS, sleep, ticksToMs, writeCodeWorkspace } from './resourcesCommon'

/**
 * The BUILT `hearth serve` with an indexed workspace and nothing happening: CPU of its process
 * over SECONDS (/proc/<pid>/stat), percent of one core.
 */
export async function idleServe() {
  const ws = await mkdtemp(join(tmpdir(), 'hearth-bench-idle-ws-'))
  await writeCodeWorkspace(ws, 300, 4)
  const served = await startServe({ workspace: ws, timeoutMs: 60_000 })
  try {
    const { api, close } = await connectApi(served)
    const t0 = Date.now()
    let status = await api.call('index.status', {})
    while (!(status.state === 'ready' && status.embedBacklog === 0)) {
      if (Date.now() - t0 > 300_000) throw new Error(`index not ready after 5 min: ${JSON.stringify(status)}`)
      await sleep(1_000)
      status = await api.call('index.status', {})
    }
    const indexedInMs = Date.now() - t0
    close()
    await sleep(5_000) // let the last batch, GC and the socket close settle
    const k0 = procTicks(served.pid)
    await sleep(SECONDS * 1000)
    const k1 = procTicks(served.pid)
    const ms = ticksToMs(k1.self - k0.self + k1.children - k0.children)
    return {
      idleCpuPercent: round((ms / (SECONDS * 1000)) * 100, 3),
      idleCpuMs: round(ms, 1),
      indexed: {
        files: status.files,
        chunks: status.chunks,
        embedder: status.embedder,
        readyAfterMs: indexedInMs,
      },
    }
  } finally {
    await served.stop()
    await rm(ws, { recursive: true, force: true })
    await rm(served.dataDir, { recursive: true, force: true })
  }
}
