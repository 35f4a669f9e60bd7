import { DEFAULT_TOKENS, fakeEmbedding, generate, ProtocolServer, type Reply } from './protocolServer'

interface GenerateBody {
  text_input?: string
  max_tokens?: number
  stop_words?: string[]
  stream?: boolean
  parameters?: { max_tokens?: number; stop?: string[]; temperature?: number }
}

interface InferBody {
  inputs?: { name: string; shape: number[]; datatype: string; data: unknown[] }[]
}

/**
 * Speaks Triton's KServe v2 HTTP protocol: the generate extension (/v2/models/{m}/generate →
 * {model_name, model_version, text_output}; /generate_stream → one SSE `data:` event per
 * response), /v2/models/{m}/infer with a BYTES `text` input and an FP32 `embedding` output,
 * /v2/health/ready. Unknown model → 400 `{"error":"Request for unknown model: 'x' is not found"}`
 * as Triton answers (404 when `notFoundStatus` is set to 404, as newer releases do).
 */
export class FakeTriton extends ProtocolServer {
  models = new Set(['fim_ensemble', 'embedder'])
  tokens: readonly string[] = DEFAULT_TOKENS
  /** Stream the text so far in each event (some backends) instead of deltas. */
  cumulative = false
  /** Prefix text_output with the prompt (backends without exclude_input_in_output). */
  echoPrompt = false
  notFoundStatus = 400
  embedDim = 8
  /** Require this bearer token on every route when set, as a gateway in front of Triton does. */
  token: string | undefined

  protected route(method: string, path: string, body: unknown): Reply {
    const json = (status: number, v: unknown): Reply => ({
      status,
      headers: { 'content-type': 'application/json' },
      chunks: [JSON.stringify(v)],
    })
    const auth = this.requests.at(-1)?.headers.authorization
    if (this.token && auth !== `Bearer ${this.token}`) return json(401, { error: 'Unauthorized' })
    if (path === '/v2/health/ready') return { status: 200, headers: {}, chunks: [] }
    const m = /^\/v2\/models\/([^/]+)\/(generate|generate_stream|infer)$/.exec(path)
    if (!m || method !== 'POST') return json(404, { error: 'Not Found' })
    const model = decodeURIComponent(m[1] ?? '')
    if (!this.models.has(model))
      return json(this.notFoundStatus, { error: `Request for unknown model: '${model}' is not found` })
    if (m[2] === 'infer') {
      const b = (body ?? {}) as InferBody
      const input = b.inputs?.find((i) => i.name === 'text')
      if (!input || input.datatype !== 'BYTES') return json(400, { error: "expected BYTES input 'text'" })
      const texts = input.data.map(String)
      const data = texts.flatMap((t) => fakeEmbedding(t, this.embedDim))
      return json(200, {
        model_name: model,
        model_version: '1',
        outputs: [{ name: 'embedding', datatype: 'FP32', shape: [texts.length, this.embedDim], data }],
      })
    }
    const b = (body ?? {}) as GenerateBody
    if (typeof b.text_input !== 'string') return json(400, { error: "input 'text_input' is required" })
    const { tokens } = generate(
      this.tokens,
      b.max_tokens ?? b.parameters?.max_tokens,
      b.stop_words ?? b.parameters?.stop,
    )
    const echo = this.echoPrompt ? b.text_input : ''
    const base = { model_name: model, model_version: '1' }
    if (m[2] === 'generate') return json(200, { ...base, text_output: echo + tokens.join('') })
    let soFar = ''
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: tokens.map((t, i) => {
        soFar += t
        const text = this.cumulative ? echo + soFar : i === 0 ? echo + t : t
        return `data: ${JSON.stringify({ ...base, text_output: text })}\n\n`
      }),
    }
  }
}
