import type { CompletionRequest } from '../src/shared/contract/completion'
import { SOURCE_PATH } from './fimPositions'
import type { RendererProcess } from './fimRendererProcess'

/** One completion call as the renderer process timed it. */
export interface CallResult {
  ms: number
  source: string
  text: string
  /** When the renderer sent it (epoch ms). */
  at: number
}

/**
 * The bench's side of the renderer process: builds completion requests as the renderer sends them
 * (numbered, explicit trigger by default) and has the renderer send and time them.
 */
export class FimClient {
  private requestId = 0
  constructor(readonly renderer: RendererProcess) {}

  req(prefix: string, suffix: string, extra: Partial<CompletionRequest> = {}): CompletionRequest {
    return {
      editorId: 'bench',
      requestId: ++this.requestId,
      path: SOURCE_PATH,
      language: 'typescript',
      prefix,
      suffix,
      line: prefix.split('\n').length,
      column: prefix.length - prefix.lastIndexOf('\n'),
      offset: prefix.length,
      trigger: 'explicit',
      ...extra,
    }
  }

  async call(args: CompletionRequest): Promise<CallResult> {
    const r = await this.renderer.request({ op: 'call', args })
    return { ms: Number(r.ms), source: r.source ?? '', text: r.text ?? '', at: Number(r.at) }
  }

  /** The calls one after the other, each timed in the renderer process. */
  async series(calls: CompletionRequest[]): Promise<{ ms: number[]; sources: string[] }> {
    const r = await this.renderer.request({ op: 'series', calls })
    return { ms: Array.isArray(r.ms) ? r.ms : [], sources: r.sources ?? [] }
  }
}
