import type { FimPrompt, Snippet } from '../inference/fimTypes'
import { commentSnippets } from '../inference/snippetComments'
import type { FimTemplate } from '../inference/fimTemplates'

/**
 * Token budgets for the three parts of a FIM prompt. Without the model's tokenizer at hand
 * (HTTP providers), tokens are approximated from characters: source code averages 3–4
 * characters per token in BPE vocabularies (Qwen2.5, StarCoder), so `charsPerToken` defaults
 * to 3.5 — slightly generous, so the prompt may come out ~10 % longer or shorter than the
 * nominal budget, never wildly.
 */
export interface PromptBudget {
  prefixTokens: number
  suffixTokens: number
  /** All repository snippets together. */
  contextTokens: number
  charsPerToken: number
}

export const DEFAULT_PROMPT_BUDGET: PromptBudget = {
  prefixTokens: 1024,
  suffixTokens: 256,
  contextTokens: 384,
  charsPerToken: 3.5,
}

/**
 * Keeps the end of the prefix within `maxChars`, starting at a line start so the model never
 * sees half a line — and the cut point (hence the cache key) depends only on the text.
 */
export function prunePrefix(prefix: string, maxChars: number): string {
  if (prefix.length <= maxChars) return prefix
  const start = prefix.length - maxChars
  const nl = prefix.indexOf('\n', start)
  // A single giant line: keep its tail rather than nothing.
  return nl < 0 || nl === prefix.length - 1 ? prefix.slice(start) : prefix.slice(nl + 1)
}

/** Keeps the start of the suffix within `maxChars`, ending at a line end. */
export function pruneSuffix(suffix: string, maxChars: number): string {
  if (suffix.length <= maxChars) return suffix
  const nl = suffix.lastIndexOf('\n', maxChars)
  return nl <= 0 ? suffix.slice(0, maxChars) : suffix.slice(0, nl + 1)
}

/** Snippets in order until the budget is spent; the last one is cut at a line end. */
export function fitSnippets(snippets: readonly Snippet[], maxChars: number): Snippet[] {
  const out: Snippet[] = []
  let left = maxChars
  for (const sn of snippets) {
    if (left <= 0) break
    const header = sn.path.length + 16
    if (sn.text.length + header <= left) {
      out.push(sn)
      left -= sn.text.length + header
      continue
    }
    const room = left - header
    const cut = sn.text.lastIndexOf('\n', room)
    if (cut > 0) out.push({ ...sn, text: sn.text.slice(0, cut + 1) })
    break
  }
  return out
}

export interface PromptInput {
  prefix: string
  suffix: string
  snippets: readonly Snippet[]
  path?: string
  language?: string
}

/** Prunes prefix and suffix to the budget. Cheap; the cache key is taken from its result. */
export function pruneForBudget(
  prefix: string,
  suffix: string,
  b: PromptBudget,
): { prefix: string; suffix: string } {
  return {
    prefix: prunePrefix(prefix, Math.floor(b.prefixTokens * b.charsPerToken)),
    suffix: pruneSuffix(suffix, Math.floor(b.suffixTokens * b.charsPerToken)),
  }
}

/** Assembles the provider-neutral prompt: snippets first (prompt-cache friendly), then prefix, suffix. */
export function buildPrompt(template: FimTemplate, input: PromptInput, b: PromptBudget): FimPrompt {
  const snippets = fitSnippets(input.snippets, Math.floor(b.contextTokens * b.charsPerToken))
  const base = {
    prefix: input.prefix,
    suffix: input.suffix,
    snippets,
    ...(input.path !== undefined ? { path: input.path } : {}),
    ...(input.language !== undefined ? { language: input.language } : {}),
  }
  return {
    ...base,
    family: template.family,
    prefixWithContext: commentSnippets(snippets, input.language) + input.prefix,
    parts: template.render(base),
    stop: template.stop,
  }
}
