import { HearthError, failureReason } from '@shared/errors'
import type { ChatEvent, ChatMessage, ChatOptions } from '../inference/chat/chatTypes'
import { fallover, NOTHING_SENT, tierModel, told } from './fallover'
import type { RouteSelector, Selection } from './selection'
import { promptComplexity } from './sizeRule'

export type ChatTask = 'chat' | 'reasoning'

/** A conversation made for one model's context window, with the answer's token limit that leaves room for. */
export interface FittedChat {
  messages: readonly ChatMessage[]
  maxTokens?: number
}

/**
 * The conversation to send, or how to make it for a model's context window (tokens; undefined
 * when the backend does not say): the route knows the model only once it has picked a backend.
 */
export type ChatPrompt = readonly ChatMessage[] | ((contextTokens: number | undefined) => FittedChat)

/** Where an answer came from, for the reply's `model` and the panel's footer. */
export interface ChatServedBy {
  endpointId: string
  model: string
  kind: string
  /** Why the size rule changed the model, if it did. */
  why?: string
}

/**
 * The chat and reasoning tasks' route: each question picks its backend when it starts (health,
 * breaker, balancing, and the size rule on the whole conversation: a longer or harder one goes to
 * the tier's large model where one is configured), and moves to the next backend only when
 * nothing reached a server, as completions do. Every answer's outcome feeds the router's health.
 */
export class RoutedChat {
  constructor(private readonly router: RouteSelector) {}

  async *stream(
    task: ChatTask,
    prompt: ChatPrompt,
    o: ChatOptions,
    onRoute?: (s: ChatServedBy) => void,
  ): AsyncGenerator<ChatEvent> {
    const router = this.router
    const build = typeof prompt === 'function' ? prompt : (): FittedChat => ({ messages: prompt })
    // The size rule weighs the conversation as it would go to a model of unknown size.
    const hints = {
      complexity: promptComplexity(
        build(undefined)
          .messages.map((m) => m.content)
          .join('\n'),
      ),
    }
    const tried = new Set<string>()
    const failures: HearthError[] = []
    let sel: Selection = router.select(task, hints)
    const routeTimeout = router.profile.tasks[task].timeoutMs
    for (;;) {
      if (o.signal.aborted) throw new HearthError('cancelled', 'chat cancelled', { reason: 'cancelled' })
      let provider
      try {
        provider = router.chatProviderFor(sel)
      } catch (err) {
        // This backend cannot chat (Triton): the next one may.
        const next = fallover(router, task, hints, tried.add(sel.endpointId))
        if (next && err instanceof HearthError) {
          failures.push(err)
          sel = next
          continue
        }
        throw told(router, failures, err)
      }
      onRoute?.({
        endpointId: sel.endpointId,
        model: sel.model,
        kind: provider.kind,
        ...(sel.why !== undefined ? { why: sel.why } : {}),
      })
      const ticket = router.begin(sel)
      let yielded = false
      try {
        const fitted = build(await provider.contextTokens?.(o.signal))
        for await (const ev of provider.stream(fitted.messages, {
          ...o,
          maxTokens: Math.min(o.maxTokens, fitted.maxTokens ?? o.maxTokens),
          timeoutMs: Math.min(o.timeoutMs, routeTimeout),
        })) {
          if (ev.type === 'text') yielded = true
          else ticket.success(ev.timing.totalMs)
          yield ev
        }
        return
      } catch (err) {
        ticket.failure(err)
        const reason = failureReason(err)
        let next: Selection | undefined
        if (!yielded && !o.signal.aborted && reason !== undefined) {
          if (NOTHING_SENT.has(reason)) next = fallover(router, task, hints, tried.add(sel.endpointId))
          else if (reason === 'model_missing') next = tierModel(router, task, sel, hints)
        }
        if (next) {
          if (err instanceof HearthError) failures.push(err)
          sel = next
          continue
        }
        throw told(router, failures, err)
      } finally {
        ticket.end()
      }
    }
  }
}
