import { templateFor } from '../inference/fimTemplates'
import type { FimPrompt } from '../inference/fimTypes'

/**
 * The prompt for another model: when a fallback or the size rule picks a model of another FIM
 * family, its control tokens and stop strings differ (Qwen's `<|fim_prefix|>` means nothing to
 * StarCoder). Same family: the prompt is returned as is.
 */
export function rerenderForModel(prompt: FimPrompt, model: string): FimPrompt {
  const t = templateFor(model)
  if (t.family === prompt.family) return prompt
  const input = {
    prefix: prompt.prefix,
    suffix: prompt.suffix,
    snippets: prompt.snippets,
    ...(prompt.path !== undefined ? { path: prompt.path } : {}),
    ...(prompt.language !== undefined ? { language: prompt.language } : {}),
  }
  return { ...prompt, family: t.family, parts: t.render(input), stop: t.stop }
}

/** Request stop strings with the old family's replaced by the new one's. */
export function restop(stop: readonly string[], from: FimPrompt, to: FimPrompt): string[] {
  if (from === to) return [...stop]
  const old = new Set(from.stop)
  return [...new Set([...stop.filter((s) => !old.has(s)), ...to.stop])]
}
