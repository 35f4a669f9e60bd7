import { useCallback, useEffect, useRef, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { SymbolRef } from '@shared/contract/chat'
import { createRanker } from '../quickopen/rankPaths'

/** What an `@` mention adds to a question. */
export type Mention = { kind: 'codebase' } | { kind: 'file'; path: string } | ({ kind: 'symbol' } & SymbolRef)

/** The `@word` being typed just before the caret: where its `@` is and what follows it. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | undefined {
  const m = /(^|\s)@([\w./$-]*)$/.exec(text.slice(0, caret))
  if (!m) return undefined
  return { start: caret - (m[2] ?? '').length - 1, query: m[2] ?? '' }
}

const FILES_SHOWN = 8
const SYMBOLS_SHOWN = 8

/**
 * The `@` picker of the chat input: typing `@` opens a list of the workspace's files (fuzzy, as
 * quick open ranks them) and of declared symbols from the index (by prefix, once two characters
 * are typed), plus @codebase; arrows move, Enter or Tab picks, Escape closes. The file list is
 * fetched once per panel; symbol lookups are debounced and a stale answer is dropped.
 */
export function useMentions(api: HearthApi) {
  const [at, setAt] = useState<{ start: number; query: string } | undefined>()
  const [index, setIndex] = useState(0)
  const [symbols, setSymbols] = useState<SymbolRef[]>([])
  const [ranker, setRanker] = useState<ReturnType<typeof createRanker> | undefined>()
  const filesAsked = useRef(false)

  useEffect(() => {
    if (!at || filesAsked.current) return
    filesAsked.current = true
    api.call('workspace.files', {}).then(
      (r) => setRanker(() => createRanker(r.paths)),
      () => {
        filesAsked.current = false
      },
    )
  }, [api, at])

  const query = at?.query ?? ''
  useEffect(() => {
    if (!at || query.length < 2 || /[./]/.test(query)) return setSymbols([])
    const ctl = new AbortController()
    const t = setTimeout(() => {
      api.call('chat.symbols', { prefix: query, limit: SYMBOLS_SHOWN }, { signal: ctl.signal }).then(
        (r) => setSymbols(r.symbols),
        () => undefined,
      )
    }, 120)
    return () => {
      clearTimeout(t)
      ctl.abort()
    }
  }, [api, at, query])

  const items: Mention[] = at
    ? [
        ...('codebase'.startsWith(query.toLowerCase()) ? [{ kind: 'codebase' as const }] : []),
        ...(ranker?.(query, FILES_SHOWN) ?? []).map((h) => ({ kind: 'file' as const, path: h.path })),
        ...symbols.map((s) => ({ kind: 'symbol' as const, ...s })),
      ]
    : []

  /** Call on every change of the input's text or caret. */
  const update = useCallback((text: string, caret: number) => {
    const next = mentionAt(text, caret)
    setAt((prev) => (prev?.start === next?.start && prev?.query === next?.query ? prev : next))
    setIndex(0)
  }, [])

  const close = useCallback(() => setAt(undefined), [])

  return { open: at !== undefined, at, items, index, setIndex, update, close }
}
