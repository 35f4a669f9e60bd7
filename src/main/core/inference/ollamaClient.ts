import { Ollama } from 'ollama'
import { HearthError } from '@shared/errors'
import { authHeaders } from '../net/credentials'
import type { HttpClient } from '../net/httpClient'
import type { GenerateOptions } from './fimTypes'
import { statusError, streamError, toProviderError } from '../net/upstreamErrors'

/**
 * What the `ollama` package throws, as Hearth's failure classes: its ResponseError carries the
 * HTTP status (404 → the model is not pulled, with the command that fixes it), a stream cut before
 * `done` is a reset, and transport errors go through the common mapping.
 */
export function ollamaError(err: unknown, signal: AbortSignal, label: string, model: string): HearthError {
  if (err instanceof HearthError) return err
  if (signal.aborted) return toProviderError(err, label, signal)
  if (err instanceof Error && err.name === 'ResponseError') {
    const status = (err as Error & { status_code?: number }).status_code ?? 0
    return statusError(status, JSON.stringify({ error: err.message }), {
      label,
      model,
      missingModelHint: `run \`ollama pull ${model}\``,
    })
  }
  if (err instanceof Error && /did not receive done/i.test(err.message)) {
    return new HearthError('unavailable', `${label}: stream ended before the model finished`, {
      reason: 'reset',
    })
  }
  if (err instanceof Error && !(err instanceof TypeError)) return streamError(label, err.message)
  return toProviderError(err, label, signal)
}

/**
 * The `ollama` package's client for one request, its fetch Hearth's HttpClient (connection policy,
 * keep-alive, this request's deadlines and abort, the endpoint's token on every request).
 */
export function ollamaClient(
  endpoint: string,
  http: HttpClient,
  token: string | undefined,
  o: GenerateOptions,
  label: string,
): Ollama {
  return new Ollama({
    host: endpoint,
    fetch: http.fetchWith({
      signal: o.signal,
      timeoutMs: o.timeoutMs,
      responseTimeoutMs: o.firstByteMs ?? o.timeoutMs,
      idleTimeoutMs: o.stallMs ?? o.timeoutMs,
      label,
      headers: authHeaders(token),
    }),
  })
}
