import type {
  CompletionProvider,
  FimEvent,
  FimPrompt,
  GenerateOptions,
} from '../src/main/core/inference/fimTypes'
import { epochNow } from './fimRendererProcess'

/** Records when each generation's AbortSignal fired and when its stream ended: the bench's window into the core. */
export class InstrumentedProvider implements CompletionProvider {
  aborts: number[] = []
  ends: number[] = []
  /** Time spent inside the wrapped provider's stream, per call. */
  inside: number[] = []
  /** When each stream began (epoch ms), to split the round trip into before and after it. */
  begins: number[] = []
  /** The provider's own timing of each finished generation (its start to the engine's last token). */
  engine: number[] = []
  /** The prompt of each call, to check that the direct engine call gets the very same one. */
  prompts: FimPrompt[] = []
  started: (() => void) | undefined
  /**
   * The core's resource policy pushes its own budgets (maxTokens) at any time; the bench pins the
   * token budget here so Hearth and the direct engine call generate the same number of tokens.
   */
  maxTokens: number | undefined
  constructor(readonly inner: CompletionProvider) {}
  get kind() {
    return this.inner.kind
  }
  get id() {
    return this.inner.id
  }
  get model() {
    return this.inner.model
  }
  get endpoint() {
    return this.inner.endpoint
  }
  state() {
    return this.inner.state()
  }
  async *stream(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
    o.signal.addEventListener('abort', () => this.aborts.push(epochNow()), { once: true })
    const opts = this.maxTokens === undefined ? o : { ...o, maxTokens: this.maxTokens }
    this.prompts.push(prompt)
    const t0 = performance.now()
    this.begins.push(epochNow())
    try {
      let first = true
      for await (const e of this.inner.stream(prompt, opts)) {
        if (first && e.type === 'text') {
          first = false
          this.started?.()
        }
        if (e.type === 'done') this.engine.push(e.timing.totalMs)
        yield e
      }
    } finally {
      this.ends.push(epochNow())
      this.inside.push(performance.now() - t0)
    }
  }
  dispose() {
    return this.inner.dispose()
  }
}
