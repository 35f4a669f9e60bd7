import type { BackendState, BackendsStatus } from '@shared/contract/settings'

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
 * The status bar item says one thing: what completions use now, e.g. "● embedded · qwen2.5-coder-1.5b",
 * "◐ Fallback: ollama (triton not answering)", or when nothing can serve them the one next step,
 * "○ No completion model — set one up". Backends the completions do not depend on (a chat model,
 * a default Ollama that is simply not installed) stay in the tooltip, not in the bar.
 */
export function backendStatusText(s: BackendsStatus): { text: string; tone: Tone } {
  const completion = s.tasks.find((t) => t.task === 'completion')
  const offline = s.network === 'loopback-only' ? '⛔ ' : ''
  if (!completion?.endpointId) return { text: `${offline}○ No completion model — set one up`, tone: 'warn' }
  const where = `${completion.endpointId} · ${completion.model ?? ''}`
  const own = s.endpoints.find((e) => e.id === completion.endpointId)
  if (completion.fallback) {
    // A preferred backend that is failing is worth a warning; a local Ollama that is simply not
    // running is not: it is optional, and most machines without it never meant to use it.
    const broken = s.endpoints.find(
      (e) =>
        e.id !== completion.endpointId &&
        stateTone(e.state) !== 'ok' &&
        !(e.kind === 'ollama' && e.state === 'down' && isLoopback(e.url)),
    )
    if (broken)
      return {
        text: `${offline}◐ Fallback: ${where} (${broken.id} ${STATE_LABEL[broken.state]})`,
        tone: 'warn',
      }
  }
  // An endpoint that lacks another task's model (a chat GGUF never downloaded) still serves
  // completions: only a problem with the completion model itself belongs on this item.
  const ownProblem =
    own !== undefined &&
    stateTone(own.state) !== 'ok' &&
    !(
      own.state === 'model_missing' &&
      own.missingModels &&
      !own.missingModels.includes(completion.model ?? '')
    )
  if (own && ownProblem) {
    return { text: `${offline}● ${where} · ${STATE_LABEL[own.state]}`, tone: 'warn' }
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

function isLoopback(url: string): boolean {
  try {
    const h = new URL(url).hostname
    return h === 'localhost' || h === '[::1]' || h.startsWith('127.')
  } catch {
    return false
  }
}
