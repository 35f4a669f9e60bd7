import type {
  editor as MonacoEditor,
  IDisposable,
  languages,
  CancellationToken,
  Position,
} from 'monaco-editor'
import type { HearthApi } from '@shared/contract'
import { MAX_PREFIX_CHARS, MAX_SUFFIX_CHARS } from '@shared/contract/completion'
import type { Monaco } from '../monaco/monacoSetup'
import {
  completeLines,
  insertRange,
  newEditorId,
  relate,
  type EditorSpot,
  type RequestSpot,
} from './ghostText'

interface Item extends languages.InlineCompletion {
  readonly requestId: number
  readonly text: string
}

interface Pending {
  requestId: number
  spot: RequestSpot
  /** Text so far (partial while streaming, then final). */
  shown: string
  done: boolean
  ac: AbortController
  waiters: Set<() => void>
  /** Safety net: a request kept for a continuing keystroke is cancelled if no new request follows. */
  graceTimer: ReturnType<typeof setTimeout> | undefined
  /** What the last provide call handed Monaco (a partial, or the final text). */
  returned: string | undefined
  /** The final text was pushed with an explicit re-trigger (Monaco allows one per position). */
  upgraded: boolean
  /** A change event went unanswered and an explicit trigger followed (once per request). */
  nudged: boolean
}

/** How long accepted text must survive to count as "kept". */
const KEPT_AFTER_MS = 30_000
/** A request kept alive for typing-ahead is cancelled if Monaco does not ask again within this. */
const CONTINUE_GRACE_MS = 300
/** How long a provider-change event may go unanswered before an explicit trigger follows it. */
const NUDGE_AFTER_MS = 150

/**
 * Inline (ghost text) completions for one Monaco editor over the Hearth contract.
 *
 * - Each request goes to the core at once (Monaco's own debounce is off): the core answers cache
 *   and typed-ahead hits synchronously and debounces misses itself, adapting to typing rhythm.
 * - Streaming: a `completion.partial` event arrives each time a line completes. Monaco asks a
 *   provider at most twice for one cursor position (an automatic request, then an explicit one —
 *   its `satisfies` rule drops any further refetch for the same version and position), so ghost
 *   text streams in two steps: the lines complete so far as soon as there is one, then the final
 *   block. Single-line completions end at their newline (the core stops the model there), so
 *   they show once, whole.
 * - Cancellation: Monaco's CancellationToken, edits and cursor moves abort the call's
 *   AbortSignal → a `cancel` message → the core aborts the HTTP request / engine. A request the
 *   user is typing into is kept until the next request has been sent, so the core can join the
 *   new position to the running stream instead of starting over.
 * - Never a stale suggestion: a result is shown only for the exact document version and cursor
 *   it was asked for.
 * - Keys are Monaco's: Tab accepts, Ctrl/Cmd+Right accepts a word, Esc dismisses. Esc also
 *   cancels a request still running for that spot (pressed before its ghost text appeared, or
 *   while a follow-up after a partial accept is on its way): nothing pops back until the user types.
 * - Local-only counts of shown / accepted / kept suggestions go to `completion.feedback`.
 */
export function registerInlineCompletions(
  monaco: Monaco,
  editor: MonacoEditor.IStandaloneCodeEditor,
  api: HearthApi,
): IDisposable {
  const editorId = newEditorId()
  let seq = 0
  let current: Pending | undefined
  /** Where the user last pressed Esc: no automatic suggestion there until the document or cursor moves. */
  let dismissed: RequestSpot | undefined
  const shownReported = new Set<number>()
  const keptTimers = new Set<ReturnType<typeof setTimeout>>()
  const changeListeners = new Set<(hint: languages.IInlineCompletionChangeHint | void) => void>()
  const LF = monaco.editor.EndOfLinePreference.LF

  const feedback = (
    requestId: number,
    kind: 'shown' | 'accepted' | 'accepted-word' | 'dismissed' | 'kept',
    chars?: number,
  ): void => {
    void api
      .call('completion.feedback', { editorId, requestId, kind, ...(chars !== undefined ? { chars } : {}) })
      .catch(() => undefined)
  }

  const textBetween = (model: MonacoEditor.ITextModel, from: number, to: number): string => {
    const a = model.getPositionAt(from)
    const b = model.getPositionAt(to)
    return model.getValueInRange(new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column), LF)
  }

  const spotNow = (p: Pending | undefined): EditorSpot | undefined => {
    const model = editor.getModel()
    const pos = editor.getPosition()
    if (!model || !pos) return undefined
    const offset = model.getOffsetAt(pos)
    const from = p?.spot.offset ?? offset
    return {
      uri: model.uri.toString(),
      versionId: model.getVersionId(),
      offset,
      docLength: model.getValueLength(),
      typedSinceRequest:
        offset > from && offset - from <= 4000 ? textBetween(model, from, offset) : undefined,
    }
  }

  /**
   * Text arrived for the spot the editor is still at, but no provide call is waiting for it (Monaco
   * gave up on its call — it does when other editor machinery re-evaluates). Ask Monaco again: a
   * provider change makes it refetch a position it holds no finished answer for; once it showed
   * something for this spot, only an explicit trigger refetches (once), to upgrade a partial.
   */
  const offer = (p: Pending): void => {
    if (current !== p || !displayable(p) || isDismissedSpot()) return
    const now = spotNow(p)
    if (!now || relate(p.spot, p.shown, now) !== 'same') return
    if (p.returned === undefined) {
      for (const l of changeListeners) l()
      // Monaco does not refetch on a change event in every state of its inline-suggest model (a
      // CI run under load once never showed the text); if nothing came of it, ask explicitly.
      if (!p.nudged) {
        p.nudged = true
        setTimeout(() => {
          if (current !== p || p.returned !== undefined || isDismissedSpot()) return
          const now = spotNow(p)
          if (now && relate(p.spot, p.shown, now) === 'same')
            editor.trigger('hearth', 'editor.action.inlineSuggest.trigger', {})
        }, NUDGE_AFTER_MS)
      }
    } else if (p.done && p.returned !== p.shown && !p.upgraded) {
      p.upgraded = true
      editor.trigger('hearth', 'editor.action.inlineSuggest.trigger', {})
    }
  }

  /** Final text, or while streaming only the lines already complete (half a line would flicker). */
  const displayable = (p: Pending): string => (p.done ? p.shown : completeLines(p.shown))

  const wake = (p: Pending): void => {
    for (const w of p.waiters) w()
    p.waiters.clear()
  }

  const cancel = (p: Pending): void => {
    if (p.graceTimer !== undefined) clearTimeout(p.graceTimer)
    p.graceTimer = undefined
    if (!p.done) p.ac.abort()
    p.done = true
    wake(p)
    if (current === p) current = undefined
  }

  const isDismissedSpot = (): boolean => {
    if (!dismissed) return false
    const now = spotNow(undefined)
    return now !== undefined && relate(dismissed, '', now) === 'same'
  }

  /** The user dismissed (Esc): drop what is running and remember the spot. */
  const dismiss = (): void => {
    if (current) cancel(current)
    dismissed = spotNow(undefined)
  }

  /** Re-judges the running request against the editor now: keep, keep for a moment, or cancel. */
  const review = (): void => {
    const p = current
    if (!p || p.done) return
    const now = spotNow(p)
    const rel = now ? relate(p.spot, p.shown, now) : 'stale'
    if (rel === 'stale') cancel(p)
    else if (rel === 'continues' && p.graceTimer === undefined) {
      p.graceTimer = setTimeout(() => {
        if (current === p) cancel(p)
      }, CONTINUE_GRACE_MS)
    }
  }

  const start = (model: MonacoEditor.ITextModel, position: Position, explicit: boolean): Pending => {
    const prev = current
    const offset = model.getOffsetAt(position)
    const length = model.getValueLength()
    const prefix = textBetween(model, Math.max(0, offset - MAX_PREFIX_CHARS), offset)
    const suffix = textBetween(model, offset, Math.min(length, offset + MAX_SUFFIX_CHARS))
    const p: Pending = {
      requestId: ++seq,
      spot: { uri: model.uri.toString(), versionId: model.getVersionId(), offset, docLength: length },
      shown: '',
      done: false,
      ac: new AbortController(),
      waiters: new Set(),
      graceTimer: undefined,
      returned: undefined,
      upgraded: false,
      nudged: false,
    }
    current = p
    api
      .call(
        'completion.request',
        {
          editorId,
          requestId: p.requestId,
          path: model.uri.path.replace(/^\//, ''),
          language: model.getLanguageId(),
          prefix,
          suffix,
          line: position.lineNumber,
          column: position.column,
          offset,
          trigger: explicit ? 'explicit' : 'automatic',
        },
        { signal: p.ac.signal },
      )
      .then(
        (r) => {
          if (p.done) return
          p.done = true
          p.shown = r.text
          if (p.waiters.size > 0) wake(p)
          else offer(p)
        },
        () => {
          // Cancelled, superseded or failed: show nothing (the status bar shows failures).
          p.done = true
          p.shown = ''
          wake(p)
        },
      )
    // Only after the new request is on the wire: the core can join it to the old stream first.
    if (prev && prev !== p) cancel(prev)
    return p
  }

  const items = (
    p: Pending,
    model: MonacoEditor.ITextModel,
    position: Position,
  ): languages.InlineCompletions<Item> => {
    const text = displayable(p)
    p.returned = text
    if (!text) return { items: [] }
    const range = insertRange(
      position.lineNumber,
      position.column,
      model.getLineMaxColumn(position.lineNumber),
      model.getLineContent(position.lineNumber).slice(position.column - 1),
      text,
    )
    if (!range) return { items: [] }
    return { items: [{ insertText: text, range, requestId: p.requestId, text }] }
  }

  const waitForText = (p: Pending, token: CancellationToken): Promise<void> =>
    new Promise<void>((resolve) => {
      if (p.done || displayable(p) || token.isCancellationRequested) {
        resolve()
        return
      }
      const done = (): void => {
        sub.dispose()
        resolve()
      }
      const sub = token.onCancellationRequested(() => {
        p.waiters.delete(done)
        sub.dispose()
        // Monaco gave up on this call: cancel the request only if it no longer fits the editor.
        review()
        resolve()
      })
      p.waiters.add(done)
    })

  const provider: languages.InlineCompletionsProvider<languages.InlineCompletions<Item>> = {
    displayName: 'Hearth',
    // The core debounces (adaptively); a second debounce here would only add latency.
    debounceDelayMs: 0,
    onDidChangeInlineCompletions: (listener) => {
      changeListeners.add(listener)
      return { dispose: () => changeListeners.delete(listener) }
    },
    async provideInlineCompletions(model, position, context, token) {
      if (editor.getModel() !== model || model.isDisposed()) return { items: [] }
      const explicit = context.triggerKind === monaco.languages.InlineCompletionTriggerKind.Explicit
      if (explicit) dismissed = undefined
      else if (isDismissedSpot()) return { items: [] }
      let p = current
      const now = spotNow(p)
      const same = p !== undefined && now !== undefined && relate(p.spot, p.shown, now) === 'same'
      // An explicit request (the user asked, or our own upgrade) reuses a live or answered request.
      if (!p || !same || (explicit && p.done && !p.shown && !p.upgraded)) p = start(model, position, explicit)
      await waitForText(p, token)
      if (token.isCancellationRequested || current !== p) return { items: [] }
      // The document or cursor may have moved while we waited: never show a stale suggestion.
      const after = spotNow(p)
      if (!after || relate(p.spot, p.shown, after) !== 'same') return { items: [] }
      return items(p, model, position)
    },
    handleItemDidShow(_completions, item) {
      if (shownReported.has(item.requestId)) return
      shownReported.add(item.requestId)
      if (shownReported.size > 500) shownReported.clear()
      feedback(item.requestId, 'shown')
    },
    handlePartialAccept(_completions, item, _chars, info) {
      feedback(item.requestId, 'accepted-word', info.acceptedLength)
    },
    handleEndOfLifetime(_completions, item, reason) {
      if (reason.kind === monaco.languages.InlineCompletionEndOfLifeReasonKind.Accepted) {
        feedback(item.requestId, 'accepted', item.text.length)
        watchKept(item)
      } else if (reason.kind === monaco.languages.InlineCompletionEndOfLifeReasonKind.Rejected) {
        feedback(item.requestId, 'dismissed')
        dismiss()
      }
    },
    disposeInlineCompletions() {
      // Nothing held per list.
    },
  }

  /** After an accept: still there KEPT_AFTER_MS later (tracked by a decoration through edits)? */
  const watchKept = (item: Item): void => {
    const model = editor.getModel()
    const range = item.range
    if (!model || !range) return
    const start = new monaco.Position(range.startLineNumber, range.startColumn)
    const end = model.getPositionAt(model.getOffsetAt(start) + item.text.length)
    const [decoration] = model.deltaDecorations(
      [],
      [
        {
          range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column),
          options: { stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges },
        },
      ],
    )
    const timer = setTimeout(() => {
      keptTimers.delete(timer)
      if (model.isDisposed() || !decoration) return
      const r = model.getDecorationRange(decoration)
      const kept = r !== null && model.getValueInRange(r, LF) === item.text
      model.deltaDecorations([decoration], [])
      if (kept) feedback(item.requestId, 'kept', item.text.length)
    }, KEPT_AFTER_MS)
    keptTimers.add(timer)
  }

  const subs: IDisposable[] = [
    monaco.languages.registerInlineCompletionsProvider('*', provider),
    editor.onDidChangeModelContent(() => review()),
    editor.onDidChangeCursorPosition(() => review()),
    // Esc with no ghost text on screen yet never reaches the provider: watch the key itself.
    editor.onKeyDown((e) => {
      if (e.keyCode === monaco.KeyCode.Escape) dismiss()
    }),
    editor.onDidChangeModel(() => {
      if (current) cancel(current)
    }),
  ]
  const offPartial = api.on('completion.partial', (e) => {
    const p = current
    if (!p || p.done || e.editorId !== editorId || e.requestId !== p.requestId) return
    p.shown = e.text
    if (!displayable(p)) return
    if (p.waiters.size > 0) wake(p)
    else offer(p)
  })
  return {
    dispose() {
      if (current) cancel(current)
      offPartial()
      for (const s of subs) s.dispose()
      for (const t of keptTimers) clearTimeout(t)
      keptTimers.clear()
      changeListeners.clear()
    },
  }
}
