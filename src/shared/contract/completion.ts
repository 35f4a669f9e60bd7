import { z } from 'zod'
import { event, method } from './define'

/** The renderer sends at most this much text around the cursor; the core prunes to its token budget. */
export const MAX_PREFIX_CHARS = 32_000
export const MAX_SUFFIX_CHARS = 8_000

export const CompletionTrigger = z.enum(['automatic', 'explicit'])

export const CompletionRequest = z.object({
  /** Unique per editor instance for the lifetime of the renderer (one request in flight per editor). */
  editorId: z.string().min(1).max(200),
  /** Increases with every request of this editor; an older one arriving late is refused as stale. */
  requestId: z.number().int().nonnegative(),
  /** Workspace-relative, `/`-separated (context sources and recent edits key on it). */
  path: z.string().max(4096),
  /** Monaco language id. */
  language: z.string().max(100),
  /** Text before the cursor (the renderer sends the tail, ≤ MAX_PREFIX_CHARS, with "\n" line ends). */
  prefix: z.string().max(MAX_PREFIX_CHARS),
  /** Text after the cursor (the head, ≤ MAX_SUFFIX_CHARS). */
  suffix: z.string().max(MAX_SUFFIX_CHARS),
  /** Cursor, 1-based as Monaco shows it. */
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  /** Cursor as a UTF-16 offset in the whole document: lets the core recognise typing-ahead exactly. */
  offset: z.number().int().nonnegative(),
  /** 'explicit' (the user asked): no debounce, no mid-word rule. */
  trigger: CompletionTrigger.default('automatic'),
})
export type CompletionRequest = z.infer<typeof CompletionRequest>

export const CompletionSource = z.enum(['cache', 'typed-ahead', 'stream-reuse', 'provider', 'skipped'])

export const CompletionResult = z.object({
  requestId: z.number().int().nonnegative(),
  /** Text to insert at the cursor; '' for nothing to show. */
  text: z.string(),
  /** Answered without a new generation (cache, typed-ahead, a running stream). */
  cached: z.boolean(),
  source: CompletionSource,
  /** Time in the core, request received → answer. */
  ms: z.number().nonnegative(),
  /** Provider kind (ollama, openai, llamacpp, triton, embedded). */
  provider: z.string(),
  model: z.string(),
  mode: z.enum(['single', 'multi']),
  /** Why nothing was generated (mid-word, disabled…), when text is ''. */
  reason: z.string().optional(),
})
export type CompletionResult = z.infer<typeof CompletionResult>

export const CompletionState = z.enum(['idle', 'loading', 'ready', 'generating', 'error', 'disabled'])

export const CompletionCounts = z.object({
  requests: z.number().int().nonnegative(),
  cacheHits: z.number().int().nonnegative(),
  shown: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  acceptedWords: z.number().int().nonnegative(),
  dismissed: z.number().int().nonnegative(),
  /** Accepted text still in the document a while later (the renderer checks and reports). */
  kept: z.number().int().nonnegative(),
})
export type CompletionCounts = z.infer<typeof CompletionCounts>

export const CompletionStatus = z.object({
  provider: z.string(),
  model: z.string(),
  /** URL or model file, for the tooltip. */
  endpoint: z.string(),
  state: CompletionState,
  /** The last failure, in words (e.g. 'model "x" not found — run `ollama pull x`'). */
  message: z.string().optional(),
  /** Its machine-readable reason: model_missing, refused, no_response, stalled, unauthorized… */
  reason: z.string().optional(),
  /** Latency of the last generated completion (ms). */
  lastMs: z.number().nonnegative().nullable(),
  counts: CompletionCounts,
})
export type CompletionStatus = z.infer<typeof CompletionStatus>

export const CompletionFeedback = z.object({
  editorId: z.string().min(1).max(200),
  requestId: z.number().int().nonnegative(),
  kind: z.enum(['shown', 'accepted', 'accepted-word', 'dismissed', 'kept']),
  /** Characters accepted or kept. */
  chars: z.number().int().nonnegative().optional(),
})
export type CompletionFeedback = z.infer<typeof CompletionFeedback>

export const completionMethods = {
  /**
   * One inline completion for the cursor. A cache hit is answered at once; otherwise the core
   * debounces (adaptive, from this editor's typing rhythm), gathers context and generates,
   * streaming `completion.partial`. Cancel through the call's AbortSignal; a request superseded by
   * a newer one of the same editor fails with `cancelled` — a stale result is never returned.
   */
  'completion.request': method(CompletionRequest, CompletionResult),
  /** Local-only counts of shown / accepted / kept suggestions (never leave the machine). */
  'completion.feedback': method(CompletionFeedback, CompletionCounts),
  'completion.status': method(z.object({}), CompletionStatus),
} as const

export const completionEvents = {
  /** Ghost text so far (post-processed) for a request still generating: sent each time a line completes. */
  'completion.partial': event(
    z.object({ editorId: z.string(), requestId: z.number().int(), text: z.string() }),
  ),
  'completion.statusChanged': event(CompletionStatus),
} as const
