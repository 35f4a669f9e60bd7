import { useEffect, useRef, useState } from 'react'
import type { HearthApi, PayloadOf, ResultOf } from '@shared/contract'

export type LiteralFile = PayloadOf<'search.literalFound'>['files'][number]
type Summary = ResultOf<'search.literal'>

export interface LiteralArgs {
  query: string
  regex: boolean
  caseSensitive: boolean
  wholeWord: boolean
  include: string
  exclude: string
}

export type LiteralState =
  | { kind: 'idle' }
  | { kind: 'searching'; files: LiteralFile[] }
  | { kind: 'done'; files: LiteralFile[]; summary: Summary }
  | { kind: 'error'; message: string }

let streams = 0

/**
 * Runs one streamed literal search for `args` (null: none) each time they or `run` change: files
 * arrive as `search.literalFound` events while the call runs, and a newer search cancels the older
 * one through its AbortSignal. `delayMs` debounces typing; a new `run` value (Enter) skips it.
 */
export function useLiteralSearch(
  api: HearthApi,
  args: LiteralArgs | null,
  run: number,
  delayMs: number,
): LiteralState {
  const [state, setState] = useState<LiteralState>({ kind: 'idle' })
  const key = args ? JSON.stringify(args) : ''
  const lastRun = useRef(run)
  const argsRef = useRef(args)
  argsRef.current = args
  useEffect(() => {
    const args = argsRef.current
    if (!args) {
      setState({ kind: 'idle' })
      return
    }
    const immediate = run !== lastRun.current
    lastRun.current = run
    const ctl = new AbortController()
    const streamId = `literal-${Date.now()}-${++streams}`
    let found: LiteralFile[] = []
    const off = api.on('search.literalFound', (p) => {
      if (p.streamId !== streamId || ctl.signal.aborted) return
      found = [...found, ...p.files]
      setState({ kind: 'searching', files: found })
    })
    const timer = setTimeout(
      () => {
        setState({ kind: 'searching', files: [] })
        const call = {
          query: args.query,
          regex: args.regex,
          caseSensitive: args.caseSensitive,
          wholeWord: args.wholeWord,
          streamId,
          ...(args.include.trim() ? { include: args.include } : {}),
          ...(args.exclude.trim() ? { exclude: args.exclude } : {}),
        }
        api.call('search.literal', call, { signal: ctl.signal }).then(
          (summary) => {
            if (!ctl.signal.aborted) setState({ kind: 'done', files: found, summary })
          },
          (err: unknown) => {
            if (!ctl.signal.aborted)
              setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) })
          },
        )
      },
      immediate ? 0 : delayMs,
    )
    return () => {
      clearTimeout(timer)
      ctl.abort()
      off()
    }
    // `args` is compared by value (key); lastRun only tells Enter from typing.
  }, [api, key, run])
  return state
}
