import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Core } from '../../src/main/core/createCore'
import { parsePrometheusText } from '../../src/main/core/metrics/parsePrometheus'
import { startServer, type RunningServer } from '../../src/main/server/hearthServer'
import type { ResourceState } from '../../src/shared/contract/resources'
import { connectContract } from '../helpers/wsClient'

// The real core behind the real `hearth serve` server: /metrics is token-protected and parses
// as strict Prometheus text; resources.* and metrics.snapshot work over the WebSocket contract.
describe('resources and metrics over hearth serve', () => {
  let core: Core
  let server: RunningServer
  let base: string

  beforeAll(async () => {
    const ws = mkdtempSync(join(tmpdir(), 'hearth-res-'))
    writeFileSync(join(ws, 'a.ts'), 'export const a = 1\n')
    core = await Core.create({ dataDir: mkdtempSync(join(tmpdir(), 'hearth-res-data-')), workspace: ws })
    server = await startServer({ core, port: 0 })
    base = `http://127.0.0.1:${server.port}`
  })

  afterAll(async () => {
    await server.close()
    await core.dispose()
  })

  it('/metrics needs the token', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401)
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
  })

  it('/metrics parses as Prometheus text and carries probe costs, readings and budgets', async () => {
    core.metrics.observeCompletion(42, { provider: 'embedded', cache: 'miss' })
    // The monitor's first probe round runs at start; wait for it to land: the probe's cost and the
    // CPU load reading (which needs a sample to compare with, so it can come a round later).
    const probed = () =>
      [...core.metrics.probe.series.values()].some((s) => s.labels.probe === 'cpu') &&
      [...core.metrics.resource.series.values()].some((s) => s.labels.reading === 'cpu_load')
    for (let i = 0; i < 100 && !probed(); i++) await new Promise((r) => setTimeout(r, 50))
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const families = parsePrometheusText(await res.text(), { requireType: true })
    expect(families.get('hearth_completion_latency_seconds')?.type).toBe('histogram')
    expect(families.get('hearth_probe_cost_seconds')?.samples.some((s) => s.labels.probe === 'cpu')).toBe(
      true,
    )
    expect(families.get('hearth_budget')?.samples.find((s) => s.labels.knob === 'paused')?.value).toBe(0)
    expect(
      families.get('hearth_resource')?.samples.find((s) => s.labels.reading === 'cpu_load')?.value,
    ).toBeGreaterThanOrEqual(0)
  })

  it('a completion request (a keystroke) pauses background work until typing stops', async () => {
    const c = await connectContract(server.url)
    try {
      const req = {
        editorId: 'e1',
        path: 'a.ts',
        language: 'typescript',
        prefix: 'export const a',
        suffix: '',
        line: 1,
        column: 15,
        offset: 14,
      }
      // No model is reachable here; the request may fail — the keystroke still counts.
      const pending = c.client.call('completion.request', { ...req, requestId: 1 }).catch(() => undefined)
      const typing = () => core.resources.state().conditions.includes('paused while you type')
      for (let i = 0; i < 50 && !typing(); i++) await new Promise((r) => setTimeout(r, 10))
      expect(typing()).toBe(true)
      expect(core.resources.budgets().background.paused).toBe(true)
      await pending
      for (let i = 0; i < 100 && typing(); i++) await new Promise((r) => setTimeout(r, 50))
      expect(typing()).toBe(false)
    } finally {
      c.close()
    }
  })

  it('resources.state / setOverrides / metrics.snapshot and the resources.state event', async () => {
    const c = await connectContract(server.url)
    try {
      const s = await c.client.call('resources.state', {})
      // The real CPU probe runs here: on a busy machine "other apps busy" may be in force, so only
      // what does not depend on the machine is asserted.
      expect(s.conditions).not.toContain('indexing paused by you')
      expect(s.overrides).toEqual({ pauseIndexing: false, batterySaver: 'auto' })
      const events: ResourceState[] = []
      const off = c.client.on('resources.state', (p) => events.push(p))
      const paused = await c.client.call('resources.setOverrides', { pauseIndexing: true })
      expect(paused).toMatchObject({
        reason: 'indexing paused by you',
        overrides: { pauseIndexing: true, batterySaver: 'auto' },
      })
      for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
      expect(events.at(-1)?.budgets.background.paused).toBe(true)
      await c.client.call('resources.setOverrides', { pauseIndexing: false })
      await expect(
        c.client.call('resources.setOverrides', { batterySaver: 'sometimes' as 'on' }),
      ).rejects.toThrow(/batterySaver/)
      off()

      const m = await c.client.call('metrics.snapshot', { historyPoints: 10 })
      expect(m.method).toMatch(/log buckets/)
      const completion = m.series.find((x) => x.name === 'hearth_completion_latency_seconds')
      expect(completion).toMatchObject({ labels: { provider: 'embedded', cache: 'miss' }, count: 1 })
      expect(completion?.p50).toBeCloseTo(42, 5)
    } finally {
      c.close()
    }
  })
})
