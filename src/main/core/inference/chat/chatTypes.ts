import type { FimEvent, GenerateOptions, ProviderState } from '../fimTypes'

export type ChatRole = 'system' | 'user' | 'assistant'

export interface ChatMessage {
  role: ChatRole
  content: string
}

/** The same events as a completion: text as it arrives, then one `done` with timing. */
export type ChatEvent = FimEvent

/** Generation limits for a chat answer; `stop` is usually empty (the model's own end token). */
export type ChatOptions = GenerateOptions

/**
 * A chat model behind one protocol: Ollama /api/chat, OpenAI-compatible /v1/chat/completions,
 * or the embedded engine with the model's own chat template. The server (or engine) applies the
 * template, so the messages go as they are.
 */
export interface ChatProvider {
  readonly kind: string
  /** `kind:model@endpoint`. */
  readonly id: string
  readonly model: string
  stream(messages: readonly ChatMessage[], o: ChatOptions): AsyncIterable<ChatEvent>
  /**
   * The served model's context window in tokens, where it can be learned (the GGUF's context,
   * Ollama's /api/show, a vLLM model list, the endpoint's setting); undefined when unknown.
   */
  contextTokens?(signal: AbortSignal): Promise<number | undefined>
  state(): ProviderState
  dispose(): Promise<void>
}
