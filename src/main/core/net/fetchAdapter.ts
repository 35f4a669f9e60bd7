import type { IncomingHttpHeaders } from 'node:http'
import { HearthError } from '@shared/errors'
import type { HttpRequestOptions, HttpResponse } from './httpTypes'

type Request = (url: string, opts: HttpRequestOptions) => Promise<HttpResponse>

/**
 * A WHATWG `fetch` over `request`, for libraries that take one (the `ollama` package): every call
 * gets `defaults` (deadlines, label), and `defaults.signal` aborts alongside the caller's own.
 * `defaults.headers` (an endpoint's credentials) go on every call over whatever the library sets
 * under the same names: a library that builds its own requests cannot leave them out.
 * Bodies are strings or bytes only.
 */
export function fetchOver(
  request: Request,
  defaults: Omit<HttpRequestOptions, 'method' | 'body'> = {},
): typeof fetch {
  const { headers: fixed, ...rest } = defaults
  const f: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const signals = [init?.signal, rest.signal].filter((s): s is AbortSignal => !!s)
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0]
    const body = init?.body
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new HearthError('invalid_argument', 'fetchWith: only string or byte bodies are supported')
    }
    const res = await request(url, {
      ...rest,
      method: init?.method ?? 'GET',
      headers: { ...headersToRecord(init?.headers), ...headersToRecord(fixed) },
      ...(body !== undefined && body !== null ? { body } : {}),
      ...(signal ? { signal } : {}),
    })
    const it = res.body[Symbol.asyncIterator]()
    const stream =
      res.status === 204 || res.status === 304
        ? null
        : new ReadableStream<Uint8Array>({
            async pull(controller) {
              const r = await it.next()
              if (r.done) controller.close()
              else controller.enqueue(r.value)
            },
            async cancel() {
              await it.return?.()
            },
          })
    if (!stream) res.discard()
    return new Response(stream, {
      status: res.status,
      statusText: res.statusText,
      headers: toHeaders(res.headers),
    })
  }
  return f
}

/** Names lowercased (as Headers keeps them), so one set can replace another's entry by name. */
function headersToRecord(h: ConstructorParameters<typeof Headers>[0] | undefined): Record<string, string> {
  if (!h) return {}
  const out: Record<string, string> = {}
  if (h instanceof Headers) h.forEach((v, k) => (out[k] = v))
  else if (Array.isArray(h)) for (const [k, v] of h) out[(k ?? '').toLowerCase()] = v ?? ''
  else for (const [k, v] of Object.entries(h as Record<string, string>)) out[k.toLowerCase()] = v
  return out
}

function toHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers()
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue
    if (Array.isArray(v)) for (const x of v) out.append(k, x)
    else out.set(k, v)
  }
  return out
}
