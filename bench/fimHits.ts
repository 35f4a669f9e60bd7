import type { FimClient } from './fimClient'
import { HIT_RUNS } from './fimConfig'

export interface HitFigures {
  /** Cache hit round trips, ms, after 20 warm-up calls. */
  hit: number[]
  /** Round trips after the user typed the completion's first character. */
  typed: number[]
  /** Answers in either series that did not come from the cache (or from typing ahead). */
  notHits: number
}

/**
 * Phase 1: a first call generates and caches the position's completion; then the cache hit round trip over the WebSocket transport, timed in the renderer process;
 * then typed-ahead, the user typing the first character of the shown completion.
 */
export async function measureHits(client: FimClient, prefix: string, suffix: string): Promise<HitFigures> {
  const primed = await client.call(client.req(prefix, suffix))
  const hits = await client.series(
    Array.from({ length: HIT_RUNS + 20 }, () => client.req(prefix, suffix, { trigger: 'automatic' })),
  )
  const hit = hits.ms.slice(20)
  let notHits = hits.sources.filter((s) => s !== 'cache').length
  const typed: number[] = []
  if (primed.text.length > 1) {
    const p = prefix + primed.text.slice(0, 1)
    const t = await client.series(
      Array.from({ length: 50 }, () => client.req(p, suffix, { trigger: 'automatic', offset: p.length })),
    )
    typed.push(...t.ms)
    notHits += t.sources.filter((s) => s !== 'cache' && s !== 'typed-ahead').length
  }
  return { hit, typed, notHits }
}
