import { readFileSync } from 'node:fs'
import { buildPrompt, DEFAULT_PROMPT_BUDGET, pruneForBudget } from '../src/main/core/completion/promptBudget'
import type { FimPrompt } from '../src/main/core/inference/fimTypes'
import { templateFor, type FimFamily } from '../src/main/core/inference/fimTemplates'
import type { InfillPrompt } from './directEngine'
import { MISS_BUDGET } from './fimConfig'

/**
 * Where bench:fim asks for completions: positions in a real 20 KB source file of Hearth's, and the
 * prompts Hearth builds for them, so the direct engine calls get the very same ones.
 */
export const SOURCE_PATH = 'src/main/core/completion/completionService.ts'

export function readSource(): string {
  return readFileSync(new URL('../src/main/core/completion/completionService.ts', import.meta.url), 'utf8')
}

/** The cache-hit position: the middle of the file, with a payload as the renderer sends it. */
export function hitPosition(source: string): { prefix: string; suffix: string } {
  const mid = source.indexOf('\n', Math.floor(source.length / 2)) + 1
  return { prefix: source.slice(Math.max(0, mid - 12_000), mid), suffix: source.slice(mid, mid + 8_000) }
}

/**
 * Fresh positions (misses) at the start of block bodies: multi-line mode, so the token budget —
 * not a newline — ends both the Hearth and the direct generation.
 */
export function missSpots(source: string, count: number): number[] {
  const spots: number[] = []
  for (let at = source.indexOf('{\n'); at >= 0 && spots.length < count; at = source.indexOf('{\n', at + 1))
    spots.push(at + 2)
  return spots
}

export interface MissPosition {
  /** What the request carries: a full-size prefix and suffix. */
  prefix: string
  suffix: string
  /** Both pruned to MISS_BUDGET, as Hearth prunes them. */
  pruned: { prefix: string; suffix: string }
  /** The prompt Hearth builds from them (no snippets). */
  prompt: FimPrompt
}

export function missPosition(source: string, at: number, family: FimFamily): MissPosition {
  const prefix = source.slice(Math.max(0, at - 6000), at)
  const suffix = source.slice(at, at + 2000)
  const pruned = pruneForBudget(prefix, suffix, MISS_BUDGET)
  const prompt = buildPrompt(
    templateFor(family),
    { prefix: pruned.prefix, suffix: pruned.suffix, snippets: [] },
    MISS_BUDGET,
  )
  return { prefix, suffix, pruned, prompt }
}

/** The abort phase's i-th position: the file's head, a little longer each run, so none is cached. */
export const abortPrefix = (source: string, i: number): string => source.slice(0, 3000 + i * 101) + '\n'

/** The throughput phase's prompt, for the provider and as the direct engine takes it. */
export function throughputPrompt(family: FimFamily): { prompt: FimPrompt; direct: InfillPrompt } {
  const prompt = buildPrompt(
    templateFor(family),
    { prefix: 'Once upon a time, ', suffix: ' The end.', snippets: [] },
    DEFAULT_PROMPT_BUDGET,
  )
  return { prompt, direct: { prefix: prompt.prefixWithContext, suffix: prompt.suffix } }
}
