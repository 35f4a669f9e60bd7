import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ollamaPsProbe, tritonMetricsProbe } from './remoteProbes'

// Real HTTP servers on 127.0.0.1 answering like Triton (Prometheus text on :8002/metrics) and
// Ollama (/api/ps JSON); bodies follow the shapes those servers document.
const TRITON_METRICS = `# HELP nv_inference_request_success Number of successful inference requests, all batch sizes
# TYPE nv_inference_request_success counter
nv_inference_request_success{model="qwen-fim",version="1"} 1523
# HELP nv_inference_pending_request_count Instantaneous number of pending requests awaiting execution per-model.
# TYPE nv_inference_pending_request_count gauge
nv_inference_pending_request_count{model="qwen-fim",version="1"} 3
nv_inference_pending_request_count{model="embed",version="1"} 1
# HELP nv_gpu_utilization GPU utilization rate [0.0 - 1.0)
# TYPE nv_gpu_utilization gauge
nv_gpu_utilization{gpu_uuid="GPU-aaaa"} 0.870000
nv_gpu_utilization{gpu_uuid="GPU-bbbb"} 0.050000
# HELP nv_gpu_memory_total_bytes GPU total memory, in bytes
# TYPE nv_gpu_memory_total_bytes gauge
nv_gpu_memory_total_bytes{gpu_uuid="GPU-aaaa"} 85899345920.000000
nv_gpu_memory_total_bytes{gpu_uuid="GPU-bbbb"} 85899345920.000000
# HELP nv_gpu_memory_used_bytes GPU used memory, in bytes
# TYPE nv_gpu_memory_used_bytes gauge
nv_gpu_memory_used_bytes{gpu_uuid="GPU-aaaa"} 40000000000.000000
nv_gpu_memory_used_bytes{gpu_uuid="GPU-bbbb"} 1000000000.000000
# HELP nv_gpu_power_usage GPU power usage in watts
# TYPE nv_gpu_power_usage gauge
nv_gpu_power_usage{gpu_uuid="GPU-aaaa"} 310.500000
nv_gpu_power_usage{gpu_uuid="GPU-bbbb"} 61.000000
`

const OLLAMA_PS = {
  models: [
    {
      name: 'qwen2.5-coder:1.5b',
      model: 'qwen2.5-coder:1.5b',
      size: 1_929_912_320,
      digest: 'abc',
      details: { family: 'qwen2', parameter_size: '1.5B', quantization_level: 'Q4_K_M' },
      expires_at: '2026-11-21T13:00:00.000Z',
      size_vram: 1_929_912_320,
    },
  ],
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler)
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`
}

const signal = new AbortController().signal

describe('tritonMetricsProbe', () => {
  it('reads GPUs and the request queue from /metrics', async () => {
    const url = await serve((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(TRITON_METRICS)
    })
    const r = await tritonMetricsProbe({ url }).read(signal)
    expect(r.remote).toMatchObject({ kind: 'triton', url, reachable: true, pendingRequests: 4 })
    expect(r.remote?.gpus).toEqual([
      { source: 'triton', name: 'GPU-aaaa', utilizationPercent: 87, memoryUsedBytes: 40e9, memoryTotalBytes: 85899345920, powerWatts: 310.5 },
      { source: 'triton', name: 'GPU-bbbb', utilizationPercent: 5, memoryUsedBytes: 1e9, memoryTotalBytes: 85899345920, powerWatts: 61 },
    ])
  })

  it('reports unreachable servers, HTTP errors, malformed text and timeouts as a state, not a throw', async () => {
    const down = await serve(() => undefined)
    await new Promise((r) => servers.pop()?.close(r))
    const refused = (await tritonMetricsProbe({ url: down }).read(signal)).remote
    expect(refused?.reachable).toBe(false)
    expect(refused?.error).toMatch(/ECONNREFUSED|fetch failed/)

    const e500 = await serve((_q, res) => res.writeHead(500).end())
    expect((await tritonMetricsProbe({ url: e500 }).read(signal)).remote?.error).toMatch(/HTTP 500/)

    const garbage = await serve((_q, res) => res.writeHead(200).end('nv_gpu_utilization{gpu_uuid="x} 1\n'))
    expect((await tritonMetricsProbe({ url: garbage }).read(signal)).remote?.error).toMatch(/unterminated/)

    const slow = await serve(() => undefined) // never answers
    const t0 = Date.now()
    expect((await tritonMetricsProbe({ url: slow, timeoutMs: 200 }).read(signal)).remote?.error).toBe('timed out')
    expect(Date.now() - t0).toBeLessThan(2_000)
  })
})

describe('ollamaPsProbe', () => {
  it('lists loaded models from /api/ps', async () => {
    const url = await serve((req, res) => {
      if (req.url !== '/api/ps') return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(OLLAMA_PS))
    })
    const r = await ollamaPsProbe({ url }).read(signal)
    expect(r.remote).toMatchObject({
      kind: 'ollama',
      reachable: true,
      models: [{ name: 'qwen2.5-coder:1.5b', sizeBytes: 1_929_912_320, vramBytes: 1_929_912_320, expiresAt: '2026-11-21T13:00:00.000Z' }],
    })
  })

  it('rejects an answer without a models list', async () => {
    const url = await serve((_q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":"nope"}'))
    const r = (await ollamaPsProbe({ url }).read(signal)).remote
    expect(r?.reachable).toBe(false)
    expect(r?.error).toMatch(/no models list/)
  })
})
