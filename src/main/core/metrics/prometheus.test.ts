import { describe, expect, it } from 'vitest'
import { HearthMetrics } from './hearthMetrics'
import { parsePrometheusText, PrometheusParseError } from './parsePrometheus'
import { renderPrometheus } from './prometheus'
import { MetricsRegistry } from './registry'

describe('renderPrometheus', () => {
  it('renders text that a strict parser accepts, with exact cumulative buckets', () => {
    const m = new HearthMetrics()
    const latencies = [3, 4, 12, 80, 95, 130, 2500]
    for (const v of latencies) m.observeCompletion(v, { provider: 'ollama', cache: 'miss' })
    m.observeCompletion(0.2, { provider: 'ollama', cache: 'hit' })
    m.observeSearch(7)
    m.observeProbe(0.05, { probe: 'cpu' })
    m.prefetch.inc({ strategy: 'next-completion', outcome: 'cancelled' })
    m.resource.set({ reading: 'cpu_load' }, 0.42)
    m.budget.set({ knob: 'embed_per_minute' }, -1)

    const text = renderPrometheus(m.registry)
    const families = parsePrometheusText(text, { requireType: true })

    const c = families.get('hearth_completion_latency_seconds')
    expect(c?.type).toBe('histogram')
    expect(c?.help).toMatch(/completion latency/)
    const miss = (name: string) =>
      c?.samples.filter(
        (s) => s.name === name && s.labels.cache === 'miss' && s.labels.provider === 'ollama',
      ) ?? []
    expect(miss('hearth_completion_latency_seconds_count')[0]?.value).toBe(latencies.length)
    expect(miss('hearth_completion_latency_seconds_sum')[0]?.value).toBeCloseTo(
      latencies.reduce((a, b) => a + b) / 1000,
      9,
    )
    // Every exposed bucket must hold exactly the number of values ≤ its bound.
    for (const b of miss('hearth_completion_latency_seconds_bucket')) {
      const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)
      expect(b.value).toBe(latencies.filter((v) => v / 1000 <= le).length)
    }
    expect(families.get('hearth_prefetch_total')?.samples[0]).toMatchObject({
      name: 'hearth_prefetch_total',
      labels: { strategy: 'next-completion', outcome: 'cancelled' },
      value: 1,
    })
    expect(families.get('hearth_resource')?.samples[0]?.value).toBe(0.42)
    expect(families.get('hearth_budget')?.type).toBe('gauge')
    expect(text.endsWith('\n')).toBe(true)
  })

  it('escapes label values and help text', () => {
    const r = new MetricsRegistry()
    r.gauge('g_x', 'line one\nback\\slash', ['path']).set({ path: 'a"b\\c\nd' }, 1)
    const f = parsePrometheusText(renderPrometheus(r), { requireType: true }).get('g_x')
    expect(f?.help).toBe('line one\nback\\slash')
    expect(f?.samples[0]?.labels.path).toBe('a"b\\c\nd')
  })

  it('refuses bad names and labels at registration', () => {
    const r = new MetricsRegistry()
    expect(() => r.gauge('bad-name', 'x')).toThrow(/invalid metric name/)
    expect(() => r.gauge('ok', 'x', ['le'])).toThrow(/invalid label/)
    expect(() => r.histogram('lat_ms', 'x')).toThrow(/_seconds/)
    expect(() => r.gauge('ok2', 'x', ['a']).set({ b: '1' }, 1)).toThrow(/unknown label/)
    r.counter('c_total', 'x')
    expect(() => r.gauge('c_total', 'x')).toThrow(/already registered/)
  })
})

describe('parsePrometheusText (strict)', () => {
  const bad: [string, RegExp][] = [
    ['# TYPE x counter\nx{a="1} 1\n', /unterminated/],
    ['# TYPE x counter\nx 1 2 3\n', /value/],
    ['# TYPE x counter\nx abc\n', /bad value/],
    ['x 1\n', /no TYPE/],
    ['# TYPE x counter\nx 1', /newline/],
    ['# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n', /cumulative/],
    ['# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n', /\+Inf/],
    ['# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 1\n', /_count/],
    ['# TYPE x foo\n', /bad type/],
    ['# TYPE x counter\nx{a="1",a="2"} 1\n', /duplicate/],
    ['# TYPE x counter\nx{a="\\q"} 1\n', /bad escape/],
  ]
  it.each(bad)('rejects %j', (text, msg) => {
    expect(() => parsePrometheusText(text, { requireType: true })).toThrow(PrometheusParseError)
    expect(() => parsePrometheusText(text, { requireType: true })).toThrow(msg)
  })

  it('reads Triton-style output (untyped tolerated when not strict, timestamps, Inf)', () => {
    const text = [
      '# HELP nv_gpu_utilization GPU utilization rate [0.0 - 1.0)',
      '# TYPE nv_gpu_utilization gauge',
      'nv_gpu_utilization{gpu_uuid="GPU-1"} 0.25',
      'weird_metric 1e3 1700000000000',
      'other +Inf',
      '',
    ].join('\n')
    const f = parsePrometheusText(text)
    expect(f.get('nv_gpu_utilization')?.samples[0]).toEqual({
      name: 'nv_gpu_utilization',
      labels: { gpu_uuid: 'GPU-1' },
      value: 0.25,
    })
    expect(f.get('weird_metric')?.samples[0]).toMatchObject({ value: 1000, timestamp: 1700000000000 })
    expect(f.get('other')?.samples[0]?.value).toBe(Infinity)
  })
})
