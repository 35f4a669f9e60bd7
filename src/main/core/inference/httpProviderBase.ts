import { HearthError } from '@shared/errors'
import { authHeaders } from '../net/credentials'
import type { HttpClient, HttpResponse } from '../net/httpClient'
import type { FimEvent, GenerateOptions, ProviderState } from './fimTypes'
import { describeError, statusError, toProviderError } from '../net/upstreamErrors'

/**
 * What the JSON-over-HTTP providers (OpenAI-compatible, llama.cpp /infill, Triton) share:
 * one POST with deadlines from GenerateOptions, HTTP status → distinct HearthError, provider
 * state for the status bar, and every failure funnelled through one mapping.
 */
export abstract class HttpProviderBase {
  protected current: ProviderState = { phase: 'idle' }

  protected constructor(
    protected readonly http: HttpClient,
    protected readonly label: string,
    readonly model: string,
    protected readonly token: string | undefined,
    private readonly missingModelHint?: string,
  ) {}

  state(): ProviderState {
    return this.current
  }

  async dispose(): Promise<void> {
    // Sockets belong to the shared HttpClient.
  }

  protected async post(
    url: string,
    body: unknown,
    o: GenerateOptions,
    accept: string,
  ): Promise<HttpResponse> {
    const headers = { 'content-type': 'application/json', accept, ...authHeaders(this.token) }
    const res = await this.http.request(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: o.signal,
      timeoutMs: o.timeoutMs,
      responseTimeoutMs: o.firstByteMs ?? o.timeoutMs,
      idleTimeoutMs: o.stallMs ?? o.timeoutMs,
      label: this.label,
    })
    if (res.status >= 200 && res.status < 300) return res
    const text = await res.text(64 * 1024).catch(() => '')
    throw statusError(
      res.status,
      text,
      {
        label: this.label,
        model: this.model,
        ...(this.missingModelHint ? { missingModelHint: this.missingModelHint } : {}),
      },
      res.headers['retry-after'],
    )
  }

  /** Runs one generation with state bookkeeping and error mapping around it. */
  protected async *guard(o: GenerateOptions, run: () => AsyncGenerator<FimEvent>): AsyncGenerator<FimEvent> {
    this.current = { phase: 'generating' }
    try {
      yield* run()
      this.current = { phase: 'ready' }
    } catch (err) {
      const e = err instanceof HearthError ? err : toProviderError(err, this.label, o.signal)
      this.current = e.code === 'cancelled' ? { phase: 'ready' } : { phase: 'error', error: describeError(e) }
      throw e
    } finally {
      // The consumer stopped early (enough text): the provider is fine.
      if (this.current.phase === 'generating') this.current = { phase: 'ready' }
    }
  }
}
