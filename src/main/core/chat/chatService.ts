import { HearthError } from '@shared/errors'
import type { ChatEvent, ChatMessage, ChatOptions } from '../inference/chat/chatTypes'
import type { StopReason } from '../inference/fimTypes'
import type { ChatPrompt, ChatServedBy, ChatTask } from '../router/routedChat'
import {
  DEFAULT_SOURCE_BUDGET,
  gatherSources,
  type ChatContextRequest,
  type ChatSource,
  type SourceBudget,
  type SourcePorts,
} from './chatSources'
import { citationsIn, type Citation } from './citations'
import { fitPrompt, type FittedPrompt } from './promptBudget'

/** The route a question is sent on (the router's RoutedChat, or a one-backend stand-in). */
export interface ChatRoute {
  stream(
    task: ChatTask,
    prompt: ChatPrompt,
    o: ChatOptions,
    onRoute?: (s: ChatServedBy) => void,
  ): AsyncIterable<ChatEvent>
}

export interface AskRequest {
  question: string
  context?: ChatContextRequest
  /** Earlier turns of this conversation, as the user saw them. */
  history?: readonly ChatMessage[]
  /** `reasoning` sends the question to the profile's reasoning task (a larger model, usually). */
  task?: ChatTask
}

export interface AskResult {
  answer: string
  /** Sources the answer cites, each one that was sent to the model. */
  citations: Citation[]
  /** Everything that was sent, cited or not. */
  sources: Omit<ChatSource, 'text'>[]
  /** Earlier turns left out so the prompt fits the model's context window. */
  droppedTurns: number
  model: string | null
  endpointId: string | null
  stopReason: StopReason
  ttftMs: number | null
  /** Tokens generated (the server's count when it gives one). */
  tokens: number
  ms: number
}

export interface ChatServiceOptions {
  route: ChatRoute
  sources: SourcePorts
  budget?: SourceBudget
  maxTokens?: number
  temperature?: number
  /** The whole answer must end within this; the profile's task timeout also applies. */
  timeoutMs?: number
  /** Longest silence once the answer streams. */
  stallMs?: number
  now?: () => number
}

/**
 * Answers a question about the workspace: gathers the sources the user attached (selection,
 * files, symbols, @codebase retrieval), fits them and the earlier turns to the served model's
 * context window, sends them numbered with the question on the chat route, streams the answer, and returns the citations it made to what was sent. The panel,
 * `hearth ask` and the tests all go through here, so they send the same prompt.
 */
export class ChatService {
  constructor(private readonly o: ChatServiceOptions) {}

  async ask(req: AskRequest, onText?: (text: string) => void, signal?: AbortSignal): Promise<AskResult> {
    const now = this.o.now ?? (() => performance.now())
    const t0 = now()
    const question = req.question.trim()
    if (!question) throw new HearthError('invalid_argument', 'ask a question first')
    const ac = new AbortController()
    const onAbort = (): void =>
      ac.abort(new HearthError('cancelled', 'question cancelled', { reason: 'cancelled' }))
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const sources = await gatherSources(
        question,
        req.context ?? {},
        this.o.sources,
        this.o.budget ?? DEFAULT_SOURCE_BUDGET,
        ac.signal,
      )
      const maxTokens = this.o.maxTokens ?? 1024
      // Made again for each backend the route tries: each has its own window.
      let fitted: FittedPrompt | undefined
      const prompt: ChatPrompt = (contextTokens) => {
        fitted = fitPrompt({ question, sources, history: req.history ?? [], contextTokens, maxTokens })
        return { messages: fitted.messages, maxTokens: fitted.maxTokens }
      }
      let served: ChatServedBy | undefined
      let answer = ''
      let stopReason: StopReason = 'unknown'
      let ttftMs: number | null = null
      let tokens = 0
      const opts: ChatOptions = {
        maxTokens,
        temperature: this.o.temperature ?? 0.2,
        stop: [],
        signal: ac.signal,
        timeoutMs: this.o.timeoutMs ?? 120_000,
        stallMs: this.o.stallMs ?? 30_000,
      }
      for await (const ev of this.o.route.stream(req.task ?? 'chat', prompt, opts, (s) => (served = s))) {
        if (ev.type === 'text') {
          ttftMs ??= now() - t0
          answer += ev.text
          onText?.(ev.text)
        } else {
          stopReason = ev.stopReason
          tokens = ev.timing.tokens
        }
      }
      const sent = fitted?.sent ?? []
      return {
        answer,
        citations: citationsIn(answer, sent),
        sources: sent.map(({ text: _text, ...s }) => s),
        droppedTurns: fitted?.droppedTurns ?? 0,
        model: served?.model ?? null,
        endpointId: served?.endpointId ?? null,
        stopReason,
        ttftMs,
        tokens,
        ms: now() - t0,
      }
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }
}
