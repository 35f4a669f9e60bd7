import type { SizeRule } from '@shared/settings/schema'

/**
 * A cheap complexity score for a prompt: its length, plus weight for nesting depth (deeply nested
 * code is harder to continue than the same amount of flat text). Linear in the prompt, no
 * tokenizer: this runs on every keystroke.
 */
export function promptComplexity(text: string): number {
  let depth = 0
  let maxDepth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x7b || c === 0x28 || c === 0x5b) {
      depth++
      if (depth > maxDepth) maxDepth = depth
    } else if ((c === 0x7d || c === 0x29 || c === 0x5d) && depth > 0) depth--
  }
  return text.length + 100 * maxDepth
}

export interface RuleHints {
  /** promptComplexity() of the request's prompt. */
  complexity?: number
  /** The caller's deadline (ms): a model whose recent p95 exceeds it would answer too late. */
  latencyBudgetMs?: number
}

/**
 * Which model a tier serves for this request: large for big/complex prompts, small for tiny
 * ones, the tier's own otherwise; then stepped down (large → tier model → small) while the
 * candidate's recent p95 is over the latency budget.
 */
export function chooseModel(
  tierModel: string,
  rule: SizeRule | undefined,
  hints: RuleHints,
  p95: (model: string) => number | null,
): { model: string; why?: string } {
  if (!rule) return { model: tierModel }
  const ladder = [rule.smallModel, tierModel, rule.largeModel].filter((m): m is string => m !== undefined)
  let i = ladder.indexOf(tierModel)
  let why: string | undefined
  const c = hints.complexity
  if (c !== undefined && rule.largeModel && c > rule.largeAbove) {
    i = ladder.indexOf(rule.largeModel)
    why = `prompt complexity ${c} > ${rule.largeAbove}`
  } else if (c !== undefined && rule.smallModel && c < rule.smallBelow) {
    i = ladder.indexOf(rule.smallModel)
    why = `prompt complexity ${c} < ${rule.smallBelow}`
  }
  const budget = hints.latencyBudgetMs
  if (rule.respectLatencyBudget && budget !== undefined) {
    while (i > 0) {
      const m = ladder[i] as string
      const p = p95(m)
      if (p === null || p <= budget) break
      why = `${m} p95 ${Math.round(p)} ms > budget ${budget} ms`
      i--
    }
  }
  const model = ladder[i] ?? tierModel
  return why ? { model, why } : { model }
}
