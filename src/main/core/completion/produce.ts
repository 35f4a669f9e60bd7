import type { RoutePlan } from '../inference/completionRoute'
import { templateFor, type FimFamily } from '../inference/fimTemplates'
import type { FimEvent, FimTiming, GenerateOptions, Snippet } from '../inference/fimTypes'
import { mayComplete, processCompletion, type CompletionMode, type PostContext } from './postprocess'
import { buildPrompt, type PromptBudget } from './promptBudget'
import { cancelled } from './typingRhythm'

export interface ProduceInput {
  plan: RoutePlan
  family: FimFamily
  path: string
  language: string
  snippets?: Snippet[]
  pruned: { prefix: string; suffix: string }
  mode: CompletionMode
  promptBudget: PromptBudget
  maxLines: number
  /** Generation options for the stream (stop strings are added here). */
  options: (stop: readonly string[]) => GenerateOptions
  /** The stream started producing text, and again when it ended: the status bar follows. */
  noteState: () => void
  /** Every chunk's raw text, and the post-processed text whenever it was worked out. */
  onProgress: (raw: string, text: string | undefined) => void
}

/** How a streaming answer for this (pruned) position is post-processed. */
export function postContext(
  pruned: { prefix: string; suffix: string },
  mode: CompletionMode,
  maxLines: number,
): PostContext {
  return { prefix: pruned.prefix, suffix: pruned.suffix, mode, maxLines, final: false }
}

/**
 * Builds the prompt for the plan's family, streams the plan, post-processes; stops the stream as
 * soon as the answer is complete. Resolves with the final text and the stream's timing.
 */
export async function produce(i: ProduceInput): Promise<{ text: string; timing: FimTiming | undefined }> {
  const template = templateFor(i.family)
  const prompt = buildPrompt(
    template,
    {
      prefix: i.pruned.prefix,
      suffix: i.pruned.suffix,
      snippets: i.snippets ?? [],
      path: i.path,
      language: i.language,
    },
    i.promptBudget,
  )
  const stop = i.mode === 'single' ? [...template.stop, '\n'] : [...template.stop]
  const ctx = postContext(i.pruned, i.mode, i.maxLines)
  const opts = i.options(stop)
  let raw = ''
  let timing: FimTiming | undefined
  let first = true
  try {
    const events: AsyncIterable<FimEvent> = i.plan.stream(prompt, opts)
    for await (const e of events) {
      if (e.type === 'done') {
        timing = e.timing
        break
      }
      if (first) {
        first = false
        i.noteState()
      }
      raw += e.text
      // The engine waits on this loop between tokens (same thread), so most chunks get no
      // post-processing here: only a chunk that ends a line or closes a bracket can complete
      // the answer (mayComplete), and partial events carry complete lines only.
      if (!mayComplete(e.text)) {
        i.onProgress(raw, undefined)
        continue
      }
      const p = processCompletion(raw, ctx)
      i.onProgress(raw, p.text)
      if (p.complete) break
    }
  } finally {
    i.noteState()
  }
  if (opts.signal.aborted) throw cancelled()
  return { text: processCompletion(raw, { ...ctx, final: true }).text, timing }
}
