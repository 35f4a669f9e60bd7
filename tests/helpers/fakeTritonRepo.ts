import { FakeTriton } from './fakeTriton'
import type { Reply } from './protocolServer'

/**
 * FakeTriton plus the parts of Triton's KServe v2 API that health checks and model listing use:
 * `GET /v2/health/ready` (200, or 503 while `serverReady` is false), `GET /v2/models/{m}/ready`
 * (200 when loaded and ready; 400 `Request for unknown model` when not in the repository; a bare
 * 400 while `loading` holds it), and `POST /v2/repository/index`
 * (`[{name, version, state, reason}]`). Optionally requires a bearer token like a gateway would.
 */
export class FakeTritonRepo extends FakeTriton {
  serverReady = true
  loading = new Set<string>()
  /** In the repository but not loaded (listed as UNAVAILABLE). */
  unloaded = new Set<string>(['big_model'])
  /** The next `count` inference/generate requests fail with `status` (and Retry-After when given). */
  failNext: { count: number; status: number; retryAfter?: string } | undefined

  protected override route(method: string, path: string, body: unknown): Reply {
    // Readiness answers have no body; one empty chunk lets `split.delayMs` slow them down too.
    const empty = (status: number): Reply => ({ status, headers: {}, chunks: [''] })
    const json = (status: number, v: unknown): Reply => ({
      status,
      headers: { 'content-type': 'application/json' },
      chunks: [JSON.stringify(v)],
    })
    const auth = this.requests.at(-1)?.headers.authorization
    if (this.token && auth !== `Bearer ${this.token}`) return json(401, { error: 'Unauthorized' })
    if (path === '/v2/health/ready') {
      return empty(this.serverReady ? 200 : 503)
    }
    if (path === '/v2/health/live') return empty(200)
    if (this.failNext && this.failNext.count > 0 && /\/(infer|generate|generate_stream)$/.test(path)) {
      this.failNext.count--
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (this.failNext.retryAfter !== undefined) headers['retry-after'] = this.failNext.retryAfter
      return {
        status: this.failNext.status,
        headers,
        chunks: [JSON.stringify({ error: 'Server busy, try again' })],
      }
    }
    const ready = /^\/v2\/models\/([^/]+)\/ready$/.exec(path)
    if (ready && method === 'GET') {
      const m = decodeURIComponent(ready[1] ?? '')
      if (!this.models.has(m)) return json(400, { error: `Request for unknown model: '${m}' is not found` })
      // Triton answers a known model that is not ready with a bare 400 (no error body).
      if (this.loading.has(m)) return empty(400)
      return empty(200)
    }
    if (path === '/v2/repository/index' && method === 'POST') {
      return json(200, [
        ...[...this.models].map((name) => ({
          name,
          version: '1',
          state: this.loading.has(name) ? 'LOADING' : 'READY',
        })),
        ...[...this.unloaded].map((name) => ({
          name,
          version: '1',
          state: 'UNAVAILABLE',
          reason: 'unloaded',
        })),
      ])
    }
    return super.route(method, path, body)
  }
}
