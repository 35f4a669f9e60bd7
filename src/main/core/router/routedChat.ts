import { HearthError, failureReason } from '@shared/errors'
import type { ChatEvent, ChatMessage, ChatOptions } from '../inference/chat/chatTypes'
import { fallover, NOTHING_SENT, tierModel, told } from './fallover'
import type { RouteSelector, Selection } from './selection'
import { promptComplexity } from './sizeRule'

export type ChatTask = 'chat' | 'reasoning'

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
    messages: readonly ChatMessage[],
    o: ChatOptions,
    onRoute?: (s: ChatServedBy) => void,
  ): AsyncGenerator<ChatEvent> {
    const router = this.router
    const hints = { complexity: promptComplexity(messages.map((m) => m.content).join('\n')) }
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
        for await (const ev of provider.stream(messages, {
          ...o,
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
