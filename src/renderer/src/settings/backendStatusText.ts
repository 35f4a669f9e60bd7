import type { BackendState, BackendsStatus, EndpointStatus } from '@shared/contract/settings'

export type Tone = 'ok' | 'warn' | 'error'

/** Words for each state, short enough for the status bar. */
export const STATE_LABEL: Record<BackendState, string> = {
  unknown: 'checking',
  ok: 'ok',
  slow: 'slow',
  down: 'down',
  timeout: 'not answering',
  not_ready: 'not ready',
  unauthorized: 'unauthorized',
  model_missing: 'model missing',
  malformed: 'bad answers',
  blocked: 'blocked (offline)',
}

export const stateTone = (s: BackendState): Tone =>
  s === 'ok' || s === 'unknown' ? 'ok' : s === 'slow' || s === 'blocked' ? 'warn' : 'error'

/**
 * The status bar item: the completion route and the worst problem, e.g. "● ollama · qwen2.5-coder:1.5b",
 * "◐ Fallback: ollama (triton down)", "✕ No backend: ollama model missing".
 */
export function backendStatusText(s: BackendsStatus): { text: string; tone: Tone } {
  const completion = s.tasks.find((t) => t.task === 'completion')
  const worst = worstEndpoint(s.endpoints)
  const offline = s.network === 'loopback-only' ? '⛔ ' : ''
  if (!completion?.endpointId) {
    const why = worst ? `${worst.id} ${STATE_LABEL[worst.state]}` : 'nothing configured'
    return { text: `${offline}✕ No backend: ${why}`, tone: 'error' }
  }
  const where = `${completion.endpointId} · ${completion.model ?? ''}`
  if (completion.fallback) {
    const preferred = s.endpoints.find((e) => e.state !== 'ok' && e.id !== completion.endpointId)
    const why = preferred ? ` (${preferred.id} ${STATE_LABEL[preferred.state]})` : ''
    return { text: `${offline}◐ Fallback: ${where}${why}`, tone: 'warn' }
  }
  if (worst && stateTone(worst.state) !== 'ok') {
    return { text: `${offline}● ${where} · ${worst.id} ${STATE_LABEL[worst.state]}`, tone: 'warn' }
  }
  return { text: `${offline}● ${where}`, tone: 'ok' }
}

/** Tooltip: profile, every task's route and every endpoint's state with its fix. */
export function backendStatusTitle(s: BackendsStatus): string {
  const lines = [`Profile: ${s.profile}${s.network === 'loopback-only' ? ' (offline: loopback only)' : ''}`]
  for (const t of s.tasks) {
    lines.push(
      t.endpointId
        ? `${t.task}: ${t.endpointId} · ${t.model ?? ''}${t.fallback ? ' (fallback)' : ''}`
        : `${t.task}: none — ${t.reason ?? ''}`,
    )
  }
  for (const e of s.endpoints) {
    const lat = e.latencyP50Ms !== null ? `, p50 ${Math.round(e.latencyP50Ms)} ms` : ''
    lines.push(`${e.id} (${e.kind}): ${STATE_LABEL[e.state]}${lat} — ${e.message}`)
    if (e.fix) lines.push(`   fix: ${e.fix}`)
  }
  lines.push('Click for settings')
  return lines.join('\n')
}

const SEVERITY: Record<BackendState, number> = {
  ok: 0,
  unknown: 0,
  slow: 1,
  blocked: 1,
  not_ready: 2,
  timeout: 3,
  down: 3,
  malformed: 3,
  model_missing: 4,
  unauthorized: 4,
}

function worstEndpoint(eps: readonly EndpointStatus[]): EndpointStatus | undefined {
  let worst: EndpointStatus | undefined
  for (const e of eps) if (SEVERITY[e.state] > (worst ? SEVERITY[worst.state] : 0)) worst = e
  return worst
}
