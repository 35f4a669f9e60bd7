import type { CompletionRequest } from '@shared/contract/completion'
import type { CompletionEventSink } from './completionStatus'
import { processCompletion, type CompletionMode, type PostContext } from './postprocess'

interface Listener {
  requestId: number
  /** Characters the listener's position is ahead of the generation's start. */
  typed: string
}

/** One running generation of an editor: its position, what it streamed, who waits on it. */
export interface Generation {
  path: string
  suffix: string
  offset: number
  prefixTail: string
  mode: CompletionMode
  /** Post-processed text as of the last line end or closing bracket (what partial events carry). */
  text: string
  /** Everything the provider has streamed so far, and how to post-process it (see `shownNow`). */
  raw: string
  post: PostContext
  /** Past the debounce, the provider request is on its way: worth joining. */
  streaming: boolean
  /** Complete lines (newlines) in the last partial event sent. */
  emittedLines: number
  ac: AbortController
  refs: number
  listeners: Listener[]
  editorId: string
  done: Promise<string>
}

/** A completion recently shown at a position, for typed-ahead reuse. */
interface Remembered {
  path: string
  suffix: string
  offset: number
  prefixTail: string
  text: string
  model: string
}

/** What an answer was given for, so an accepted suggestion can seed the next completion. */
export interface Answered {
  requestId: number
  path: string
  language: string
  prefix: string
  suffix: string
  text: string
}

export interface EditorState {
  latest: number
  lastAt: number
  ewmaMs: number | null
  gen: Generation | undefined
  recent: Remembered[]
  wake: (() => void) | undefined
  /** Last answers shown to this editor, newest first: an `accepted` feedback names one of them. */
  answered?: Answered[]
}

/** Characters of the text before a position kept to recognise the same spot after typing. */
export const TAIL = 48
const MAX_EDITORS = 64
const MAX_REMEMBERED = 8
const WORD_CHAR = /[\p{L}\p{N}_$]/u

/** Per-editor state, least recently used first; the oldest editor's generation stops when evicted. */
export class EditorTable {
  private readonly editors = new Map<string, EditorState>()

  get(id: string): EditorState {
    let ed = this.editors.get(id)
    if (ed) {
      this.editors.delete(id)
      this.editors.set(id, ed)
      return ed
    }
    ed = { latest: -1, lastAt: 0, ewmaMs: null, gen: undefined, recent: [], wake: undefined }
    this.editors.set(id, ed)
    while (this.editors.size > MAX_EDITORS) {
      const [oldId, old] = this.editors.entries().next().value as [string, EditorState]
      abortGeneration(old)
      this.editors.delete(oldId)
    }
    return ed
  }

  find(id: string): EditorState | undefined {
    return this.editors.get(id)
  }

  all(): IterableIterator<EditorState> {
    return this.editors.values()
  }
}

export function abortGeneration(ed: EditorState): void {
  const g = ed.gen
  if (!g) return
  ed.gen = undefined
  g.ac.abort()
}

/** A recent completion the user has been typing into: the rest of it, or undefined. */
export function typedAhead(ed: EditorState, r: CompletionRequest, model: string): string | undefined {
  for (const m of ed.recent) {
    if (m.model !== model || m.path !== r.path) continue
    const typed = typedSince(m, r)
    if (typed === undefined || typed.length === 0) continue
    if (m.text.length > typed.length && m.text.startsWith(typed)) return m.text.slice(typed.length)
  }
  return undefined
}

export function remember(ed: EditorState, r: CompletionRequest, text: string, model: string): void {
  if (!text) return
  ed.recent = ed.recent.filter((m) => !(m.path === r.path && m.offset === r.offset))
  ed.recent.unshift({
    path: r.path,
    suffix: r.suffix,
    offset: r.offset,
    prefixTail: r.prefix.slice(-TAIL),
    text,
    model,
  })
  if (ed.recent.length > MAX_REMEMBERED) ed.recent.length = MAX_REMEMBERED
}

/** The cursor sits inside a word: word characters on both sides. */
export function midWord(prefix: string, suffix: string): boolean {
  const before = prefix.slice(-1)
  const after = suffix.slice(0, 1)
  return before !== '' && after !== '' && WORD_CHAR.test(before) && WORD_CHAR.test(after)
}

/**
 * What the user typed since `m` was asked for at `m.offset`, if `r` is the same spot moved
 * forward by typing: same file, same text after the cursor, and the text before the typed part
 * still ending like it did.
 */
export function typedSince(
  m: { path: string; suffix: string; offset: number; prefixTail: string },
  r: CompletionRequest,
): string | undefined {
  const d = r.offset - m.offset
  if (d < 0 || d > 4000 || m.path !== r.path || m.suffix !== r.suffix) return undefined
  if (r.prefix.length < d + m.prefixTail.length) return undefined
  const typed = r.prefix.slice(r.prefix.length - d)
  const before = r.prefix.slice(r.prefix.length - d - m.prefixTail.length, r.prefix.length - d)
  return before === m.prefixTail ? typed : undefined
}

/**
 * The typed text if `r` continues the running generation `g` (and what it showed so far agrees).
 * A generation still in its debounce is not worth joining: the new request restarts the wait.
 */
export function continues(g: Generation, r: CompletionRequest): string | undefined {
  if (!g.streaming) return undefined
  const typed = typedSince(g, r)
  if (typed === undefined) return undefined
  const shown = shownNow(g)
  return shown.startsWith(typed) || typed.startsWith(shown) ? typed : undefined
}

/** The generation's post-processed text up to its latest chunk (`g.text` may be a few tokens behind). */
function shownNow(g: Generation): string {
  return g.raw ? processCompletion(g.raw, g.post).text : g.text
}

export function countNewlines(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** Counts a caller; when every caller of a generation has gone, the generation stops. */
export function releaser(gen: Generation, signal: AbortSignal): () => void {
  let released = false
  const drop = (): void => {
    if (released) return
    released = true
    signal.removeEventListener('abort', onAbort)
    gen.refs--
  }
  const onAbort = (): void => {
    drop()
    if (gen.refs <= 0) gen.ac.abort()
  }
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, { once: true })
  return drop
}

/**
 * Partial ghost text, each time a line completes. The renderer shows only the complete lines of
 * a streaming suggestion (`completeLines` in ghostText.ts), so an event for text after the last
 * newline would be parsed there and dropped: on a fast engine that was one message per token
 * across the process boundary, competing with the engine for the cores while it generates.
 */
export function emitPartials(gen: Generation, events: CompletionEventSink | undefined): void {
  if (!events) return
  const lines = countNewlines(gen.text)
  if (lines <= gen.emittedLines) return
  gen.emittedLines = lines
  for (const l of gen.listeners) {
    if (!gen.text.startsWith(l.typed) || gen.text.length <= l.typed.length) continue
    events.emit('completion.partial', {
      editorId: gen.editorId,
      requestId: l.requestId,
      text: gen.text.slice(l.typed.length),
    })
  }
}

/** A generation for request `r`, with the promise its joiners wait on and how to settle it. */
export function newGeneration(
  r: CompletionRequest,
  mode: CompletionMode,
  post: PostContext,
): { gen: Generation; resolveDone: (t: string) => void; rejectDone: (e: unknown) => void } {
  let resolveDone!: (t: string) => void
  let rejectDone!: (e: unknown) => void
  const done = new Promise<string>((res, rej) => {
    resolveDone = res
    rejectDone = rej
  })
  done.catch(() => undefined) // joiners observe it; an unobserved rejection is not a crash
  const gen: Generation = {
    path: r.path,
    suffix: r.suffix,
    offset: r.offset,
    prefixTail: r.prefix.slice(-TAIL),
    mode,
    text: '',
    raw: '',
    post,
    streaming: false,
    emittedLines: 0,
    ac: new AbortController(),
    refs: 1,
    listeners: [{ requestId: r.requestId, typed: '' }],
    editorId: r.editorId,
    done,
  }
  return { gen, resolveDone, rejectDone }
}
