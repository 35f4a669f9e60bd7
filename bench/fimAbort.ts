import type { FimClient } from './fimClient'
import { ABORT_RUNS, MISS_TOKENS } from './fimConfig'
import type { InstrumentedProvider } from './fimInstrumentedProvider'
import { abortPrefix } from './fimPositions'

export interface AbortFigures {
  /** The client cancels → the provider's signal fires, ms. */
  abortCancel: number[]
  /** A new keystroke's request → the old generation's signal fires, ms. */
  abortNewRequest: number[]
  /** The client acted → the engine has stopped (the provider's stream ended), ms. */
  abortStopped: number[]
}

/**
 * Phase 3: a streaming request cancelled by the client (a keystroke) — every other run by an
 * explicit abort, the rest by a new request for a position that does not continue it. The
 * provider's token budget is raised for the phase, so the generation is still running.
 */
export async function measureAborts(
  source: string,
  client: FimClient,
  provider: InstrumentedProvider,
): Promise<AbortFigures> {
  const { renderer } = client
  provider.maxTokens = 2000
  const abortCancel: number[] = []
  const abortStopped: number[] = []
  const abortNewRequest: number[] = []
  for (let i = 0; i < ABORT_RUNS; i++) {
    const viaNewRequest = i % 2 === 1
    const prefix = abortPrefix(source, i)
    const started = new Promise<void>((resolve) => (provider.started = resolve))
    await renderer.request({ op: 'begin', key: i, args: client.req(prefix, '', { editorId: 'abort' }) })
    await started
    const abortsBefore = provider.aborts.length
    const endsBefore = provider.ends.length
    // The renderer says when it acted; the provider's signal is stamped on the same (epoch) clock.
    const acted = viaNewRequest
      ? // The next keystroke: a request for a position that does not continue the running one.
        renderer.request({ op: 'fire', args: client.req(prefix + 'zq', '', { editorId: 'abort' }) })
      : renderer.request({ op: 'abort', key: i })
    const t0 = Number((await acted).at)
    while (provider.aborts.length === abortsBefore) await new Promise((r) => setImmediate(r))
    const abortedAt = provider.aborts[abortsBefore] ?? NaN
    ;(viaNewRequest ? abortNewRequest : abortCancel).push(abortedAt - t0)
    while (provider.ends.length === endsBefore) await new Promise((r) => setImmediate(r))
    abortStopped.push((provider.ends[endsBefore] ?? NaN) - t0)
    await renderer.request({ op: 'abort', key: i })
    // Let the replacement request (new-keystroke variant) finish before the next round.
    await new Promise((r) => setTimeout(r, 20))
    if (viaNewRequest) {
      const endsNow = provider.ends.length
      while (provider.ends.length === endsNow && provider.state().phase === 'generating')
        await new Promise((r) => setTimeout(r, 5))
    }
  }
  provider.maxTokens = MISS_TOKENS
  return { abortCancel, abortNewRequest, abortStopped }
}
