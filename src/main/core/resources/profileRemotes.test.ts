import { defaultSettings } from '@shared/settings/defaults'
import type { Settings } from '@shared/settings/schema'
import { describe, expect, it } from 'vitest'
import type { Probe } from './probes/probe'
import { activeProfileRemotes, followProfileRemotes, tritonMetricsUrl } from './profileRemotes'

const withProfile = (id: string): Settings => ({ ...defaultSettings(), profile: id })

describe('activeProfileRemotes', () => {
  it('remote profile: its Triton on the metrics port and the fallback Ollama; not the OpenAI server', () => {
    expect(activeProfileRemotes(withProfile('remote'))).toEqual([
      { endpointId: 'triton', kind: 'triton', url: 'http://127.0.0.1:8002/' },
      { endpointId: 'ollama', kind: 'ollama', url: 'http://127.0.0.1:11434' },
    ])
  })

  it('laptop profile: only Ollama — the inactive remote profile’s Triton is not probed', () => {
    expect(activeProfileRemotes(withProfile('laptop')).map((t) => t.kind)).toEqual(['ollama'])
  })

  it('metricsUrl wins; the default keeps the scheme and host and drops the path', () => {
    expect(tritonMetricsUrl({ kind: 'triton', url: 'https://dgx.lan:8000/base?x=1' })).toBe('https://dgx.lan:8002/')
    expect(tritonMetricsUrl({ kind: 'triton', url: 'http://dgx:8000', metricsUrl: 'http://gw:9000/triton' })).toBe(
      'http://gw:9000/triton',
    )
  })
})

describe('followProfileRemotes', () => {
  it('re-applies only when what is watched changes', () => {
    let current = withProfile('laptop')
    let listener: ((c: { settings: Settings }) => void) | undefined
    const applied: Probe[][] = []
    const off = followProfileRemotes({
      settings: {
        get settings() {
          return current
        },
        onChange: (l) => {
          listener = l
          return () => (listener = undefined)
        },
      },
      fetch: () => Promise.reject(new Error('not used')),
      apply: (p) => applied.push(p),
    })
    expect(applied.map((p) => p.map((x) => x.name))).toEqual([['ollama']])
    current = { ...current, resources: { ...current.resources, lowBatteryPercent: 10 } }
    listener?.({ settings: current })
    expect(applied).toHaveLength(1)
    current = withProfile('remote')
    listener?.({ settings: current })
    expect(applied.map((p) => p.map((x) => x.name))).toEqual([['ollama'], ['triton', 'ollama']])
    off()
    expect(listener).toBeUndefined()
  })
})
