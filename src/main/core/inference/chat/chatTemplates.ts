import type { ChatMessage } from './chatTypes'

export type ChatTemplateName = 'chatml' | 'llama3' | 'gemma' | 'mistral'

export interface RenderedChat {
  /** The conversation in the model's template, ending where the assistant's answer begins. */
  text: string
  /** Where the answer ends: the template's end-of-turn markers (in case the server does not stop there). */
  stop: readonly string[]
}

/**
 * The template a model name implies. ChatML is the fallback: Qwen, Yi, DeepSeek-V2+, Phi-3.5 and
 * most fine-tunes use it, and a wrong guess fails visibly (stray markers), not silently.
 */
export function templateForModel(model: string): ChatTemplateName {
  const m = model.toLowerCase()
  if (/llama[-_ ]?3/.test(m)) return 'llama3'
  if (m.includes('gemma')) return 'gemma'
  if (/mistral|mixtral|codestral|ministral/.test(m)) return 'mistral'
  return 'chatml'
}

/**
 * A conversation rendered in a chat template, for servers that pass text to the model verbatim
 * (Triton's generate extension). No beginning-of-sequence token: the server's tokenizer adds it
 * (vLLM and TensorRT-LLM do), and a second one degrades the answer.
 */
export function renderChat(template: ChatTemplateName, messages: readonly ChatMessage[]): RenderedChat {
  switch (template) {
    case 'chatml':
      return {
        text:
          messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('') +
          '<|im_start|>assistant\n',
        stop: ['<|im_end|>', '<|endoftext|>'],
      }
    case 'llama3':
      return {
        text:
          messages
            .map((m) => `<|start_header_id|>${m.role}<|end_header_id|>\n\n${m.content.trim()}<|eot_id|>`)
            .join('') + '<|start_header_id|>assistant<|end_header_id|>\n\n',
        stop: ['<|eot_id|>', '<|end_of_text|>'],
      }
    case 'gemma': {
      // Gemma has no system role: its instructions open the first user turn.
      const turns = foldSystem(messages)
      return {
        text:
          turns
            .map(
              (m) =>
                `<start_of_turn>${m.role === 'assistant' ? 'model' : 'user'}\n${m.content}<end_of_turn>\n`,
            )
            .join('') + '<start_of_turn>model\n',
        stop: ['<end_of_turn>'],
      }
    }
    case 'mistral': {
      // [INST] user [/INST] answer</s>, the system text folded into the first instruction.
      let text = ''
      for (const m of foldSystem(messages)) {
        text += m.role === 'assistant' ? ` ${m.content}</s>` : `[INST] ${m.content} [/INST]`
      }
      return { text, stop: ['</s>', '[INST]'] }
    }
  }
}

/** The system messages joined onto the first user turn, for templates without a system role. */
function foldSystem(messages: readonly ChatMessage[]): ChatMessage[] {
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n')
  const rest = messages.filter((m) => m.role !== 'system')
  const first = rest.findIndex((m) => m.role === 'user')
  if (!system) return rest
  if (first < 0) return [{ role: 'user', content: system }, ...rest]
  return rest.map((m, i) => (i === first ? { role: 'user', content: `${system}\n\n${m.content}` } : m))
}

/**
 * Holds back streamed text that may be the start of a stop string and ends the stream at one, so
 * a template marker a server prints (special tokens not skipped) never reaches the user.
 */
export class StopFilter {
  private held = ''
  private ended = false

  constructor(private readonly stops: readonly string[]) {}

  get stopped(): boolean {
    return this.ended
  }

  /** The text that can be shown now. */
  push(text: string): string {
    if (this.ended) return ''
    const all = this.held + text
    let cut = -1
    for (const s of this.stops) {
      const i = all.indexOf(s)
      if (i >= 0 && (cut < 0 || i < cut)) cut = i
    }
    if (cut >= 0) {
      this.ended = true
      this.held = ''
      return all.slice(0, cut)
    }
    // Keep the longest tail that is a prefix of some stop string.
    let keep = 0
    for (const s of this.stops)
      for (let n = Math.min(s.length - 1, all.length); n > keep; n--)
        if (all.endsWith(s.slice(0, n))) {
          keep = n
          break
        }
    this.held = all.slice(all.length - keep)
    return all.slice(0, all.length - keep)
  }

  /** What was held back when the stream ends without a stop string. */
  flush(): string {
    const t = this.ended ? '' : this.held
    this.held = ''
    return t
  }
}
