import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { BackendsStatus, SettingsView as SettingsData } from '@shared/contract/settings'
import { defaultSettings } from '@shared/settings/defaults'
import { backendStatusText, backendStatusTitle } from './backendStatusText'
import { SettingsView, type SettingsActions } from './SettingsPanel'

// Fixtures go through the contract's schemas, so they are shaped exactly like what the core sends.
const data = SettingsData.parse({
  effective: { ...defaultSettings(), profile: 'remote' },
  user: { profile: 'remote' },
  workspace: null,
  files: { user: '/home/u/.local/share/hearth/settings.json', workspace: null },
  problems: [
    {
      file: '/home/u/.local/share/hearth/settings.json',
      key: 'health.intervalMs',
      message: 'Too small: expected number to be >=1000',
      severity: 'error',
    },
  ],
  tokens: {
    triton: { hasToken: true },
    ollama: { hasToken: false },
    openai: { hasToken: false },
    embedded: { hasToken: false },
  },
  secretStorage: { persistent: false, warning: 'no keyring: tokens are kept in memory only' },
})

const endpoint = (id: string, kind: string, state: string, extra: object = {}) => ({
  id,
  kind,
  label: id,
  url: `http://${id}:1`,
  state,
  message: `${id} says ${state}`,
  breaker: 'closed',
  retryAt: null,
  latencyP50Ms: 12,
  inFlight: 0,
  gpuLoadPercent: null,
  hasToken: false,
  checkedAt: 1,
  ...extra,
})

const fallbackStatus = BackendsStatus.parse({
  profile: 'remote',
  network: 'any',
  updatedAt: 1,
  tasks: [
    { task: 'completion', endpointId: 'ollama', model: 'qwen2.5-coder:1.5b', tier: 1, fallback: true },
    { task: 'embedding', endpointId: 'ollama', model: 'nomic-embed-text', tier: 1, fallback: true },
    {
      task: 'chat',
      endpointId: null,
      model: null,
      tier: null,
      fallback: false,
      reason: 'no backend can serve chat',
    },
    { task: 'reasoning', endpointId: 'openai', model: 'r1', tier: 0, fallback: false },
  ],
  endpoints: [
    endpoint('triton', 'triton', 'down', { breaker: 'open', retryAt: 5 }),
    endpoint('ollama', 'ollama', 'model_missing', { fix: 'ollama pull qwen2.5-coder:7b' }),
  ],
})

const noop: SettingsActions = {
  selectProfile: () => undefined,
  patch: () => undefined,
  setToken: () => undefined,
  check: () => undefined,
  refreshModels: () => undefined,
  setOverrides: () => undefined,
}

describe('SettingsView', () => {
  const html = renderToStaticMarkup(
    <SettingsView
      data={data}
      status={fallbackStatus}
      models={{
        endpoints: [
          {
            endpointId: 'ollama',
            kind: 'ollama',
            url: 'http://ollama:1',
            models: [{ name: 'qwen2.5-coder:1.5b', sizeBytes: 1, state: null }],
            state: 'ok',
          },
        ],
        stats: [
          {
            endpointId: 'ollama',
            model: 'qwen2.5-coder:1.5b',
            requests: 10,
            errors: 1,
            p50Ms: 42,
            p95Ms: 120,
          },
        ],
      }}
      resources={undefined}
      error="settings not saved: health.failureThreshold: Too small"
      problems={[]}
      busy={false}
      actions={noop}
    />,
  )

  it('shows the profiles with the active one checked, and the offline one marked', () => {
    expect(html).toMatch(/data-testid="profile-remote"><input type="radio" name="hearth-profile" checked=""/)
    expect(html).toContain('offline · loopback only')
  })

  it('offers index.includeSecretFiles as a checkbox, off by default', () => {
    expect(html).toMatch(/<input type="checkbox" data-testid="index-include-secret-files"\/>/)
    expect(html).toContain('Index files that may contain secrets')
  })

  it('points problems at the file and the key', () => {
    expect(html).toContain(
      '<code>/home/u/.local/share/hearth/settings.json</code> → <code>health.intervalMs</code>',
    )
    expect(html).toContain('role="alert"')
  })

  it('shows the fallback, the states, the exact fix and the open circuit', () => {
    expect(html).toContain('fallback')
    expect(html).toContain('<code class="settings-fix">ollama pull qwen2.5-coder:7b</code>')
    expect(html).toContain('circuit open')
    expect(html).toContain('none: no backend can serve chat')
  })

  it('never shows a token: only whether one is stored, and the memory-only warning', () => {
    expect(html).toContain('placeholder="token stored"')
    expect(html).toContain('tokens are kept in memory only')
    expect(html).not.toMatch(/type="password"[^>]*value="[^"]+"/)
  })

  it('lists models for the model pickers and per-model stats', () => {
    expect(html).toContain(
      '<datalist id="hearth-models-ollama"><option value="qwen2.5-coder:1.5b"></option></datalist>',
    )
    expect(html).toContain('<td>42 ms</td><td>120 ms</td>')
  })
})

describe('backend status item', () => {
  it('says fallback and why', () => {
    const t = backendStatusText(fallbackStatus)
    expect(t).toEqual({ text: '◐ Fallback: ollama · qwen2.5-coder:1.5b (triton down)', tone: 'warn' })
    expect(backendStatusTitle(fallbackStatus)).toContain('fix: ollama pull qwen2.5-coder:7b')
  })

  it('says when nothing can serve completions, and marks the offline profile', () => {
    const s = BackendsStatus.parse({
      ...fallbackStatus,
      network: 'loopback-only',
      tasks: [
        { task: 'completion', endpointId: null, model: null, tier: null, fallback: false, reason: 'x' },
      ],
    })
    expect(backendStatusText(s)).toEqual({ text: '⛔ ○ No completion model — set one up', tone: 'warn' })
  })

  it('does not warn on the completion item for another task’s missing model on the same endpoint', () => {
    const s = BackendsStatus.parse({
      ...fallbackStatus,
      tasks: [{ task: 'completion', endpointId: 'embedded', model: 'small.gguf', tier: 0, fallback: false }],
      endpoints: [endpoint('embedded', 'embedded', 'model_missing', { missingModels: ['chat.gguf'] })],
    })
    expect(backendStatusText(s)).toEqual({ text: '● embedded · small.gguf', tone: 'ok' })
    const own = BackendsStatus.parse({
      ...s,
      endpoints: [endpoint('embedded', 'embedded', 'model_missing', { missingModels: ['small.gguf'] })],
    })
    expect(backendStatusText(own)).toEqual({ text: '● embedded · small.gguf · model missing', tone: 'warn' })
  })

  it('does not call a missing local Ollama a fault: it is optional', () => {
    const s = BackendsStatus.parse({
      ...fallbackStatus,
      tasks: [{ task: 'completion', endpointId: 'embedded', model: 'm.gguf', tier: 1, fallback: true }],
      endpoints: [
        endpoint('ollama', 'ollama', 'down', { url: 'http://127.0.0.1:11434' }),
        endpoint('embedded', 'embedded', 'ok'),
      ],
    })
    expect(backendStatusText(s)).toEqual({ text: '● embedded · m.gguf', tone: 'ok' })
  })

  it('is quiet when all is well', () => {
    const s = BackendsStatus.parse({
      ...fallbackStatus,
      tasks: [{ task: 'completion', endpointId: 'triton', model: 'fim', tier: 0, fallback: false }],
      endpoints: [endpoint('triton', 'triton', 'ok')],
    })
    expect(backendStatusText(s)).toEqual({ text: '● triton · fim', tone: 'ok' })
  })
})
