import type { CompletionStatus } from '@shared/contract/completion'

/** Status bar text and tone for the completion model, e.g. "✦ qwen2.5-coder:1.5b" or "⚠ model missing". */
export function completionStatusText(s: CompletionStatus): {
  text: string
  tone: 'ok' | 'busy' | 'error' | 'off'
} {
  const model = s.model || s.provider
  switch (s.state) {
    case 'loading':
      return { text: `◌ ${model} loading…`, tone: 'busy' }
    case 'generating':
      return { text: `✦ ${model} …`, tone: 'busy' }
    case 'error':
      return { text: `⚠ ${model}: ${problem(s.reason)}`, tone: 'error' }
    case 'disabled':
      return { text: `✦ completions off`, tone: 'off' }
    default:
      return { text: `✦ ${model}`, tone: 'ok' }
  }
}

function problem(reason: string | undefined): string {
  switch (reason) {
    case 'model_missing':
      return 'model missing'
    case 'refused':
    case 'dns':
    case 'network':
      return 'down'
    case 'no_response':
    case 'stalled':
    case 'deadline':
      return 'timed out'
    case 'unauthorized':
      return 'unauthorized'
    case 'policy':
      return 'blocked (offline)'
    default:
      return 'error'
  }
}

/** The one next step for a failure, in words the user can act on. */
export function completionFix(s: CompletionStatus): string | null {
  if (s.state !== 'error') return null
  const local = /embedded/i.test(s.provider)
  switch (s.reason) {
    case 'no_response':
    case 'stalled':
    case 'deadline':
      return local
        ? 'This machine is too slow for this model: pick a smaller one in Settings ▸ Models, or lower the engine threads if other work shares the CPU.'
        : 'The server did not answer in time: check its load, or raise the completion timeout in Settings ▸ Routes.'
    case 'model_missing':
      return local
        ? 'Download a model in Settings ▸ Models.'
        : 'Pull the model on the server (for Ollama: ollama pull <model>).'
    case 'refused':
    case 'dns':
    case 'network':
      return 'Start the server, or choose another backend in Settings.'
    case 'unauthorized':
      return 'Set the endpoint’s token in Settings ▸ Endpoints.'
    case 'policy':
      return 'The offline profile allows only this machine: switch profile or use a local model.'
    default:
      return null
  }
}

/** Tooltip: provider, endpoint, last latency, the failure in words, local acceptance counts. */
export function completionStatusTitle(s: CompletionStatus): string {
  const c = s.counts
  const rate = c.shown > 0 ? ` (${Math.round((100 * c.accepted) / c.shown)} % accepted)` : ''
  return [
    `Inline completions: ${s.provider} · ${s.model}`,
    s.endpoint ? `Endpoint: ${s.endpoint}` : null,
    s.lastMs !== null ? `Last completion: ${Math.round(s.lastMs)} ms` : null,
    s.message ? `Problem: ${s.message}` : null,
    completionFix(s) ? `Fix: ${completionFix(s)}` : null,
    `Shown ${c.shown} · accepted ${c.accepted} · kept ${c.kept}${rate} · cache hits ${c.cacheHits}/${c.requests}`,
    'Counts stay on this machine.',
  ]
    .filter((l): l is string => l !== null)
    .join('\n')
}
