import { useEffect, useState } from 'react'
import type { HearthApi, ResultOf } from '@shared/contract'

type Status = ResultOf<'index.status'>

const n = (x: number): string => x.toLocaleString()
const plural = (x: number, word: string): string => `${n(x)} ${word}${x === 1 ? '' : 's'}`

/** Status-bar text for the index: state, counts, embedding backlog, paused and why. */
export function describeIndexStatus(s: Status): {
  text: string
  title: string
  tone: 'normal' | 'busy' | 'warning' | 'error'
} {
  const counts = `${plural(s.files, 'file')} · ${plural(s.chunks, 'chunk')}`
  const backlog = s.embedBacklog > 0 ? ` · embedding ${n(s.embedBacklog)}` : ''
  const title = [
    `Index: ${s.state}`,
    counts,
    s.embedder
      ? `embedder ${s.embedder} (${s.embedState}), ${n(s.embedBacklog)} waiting`
      : 'no embedder: full-text search only',
    s.reason ? `(${s.reason})` : '',
    ...skippedLines(s.skipped),
  ]
    .filter(Boolean)
    .join('\n')
  if (s.state === 'off') return { text: 'Index off', title, tone: 'normal' }
  if (s.state === 'error')
    return {
      text: /disk is full/.test(s.reason ?? '') ? 'Index: disk full' : 'Index error',
      title,
      tone: 'error',
    }
  if (s.state === 'opening') return { text: 'Index opening…', title, tone: 'busy' }
  if (s.paused) return { text: `Index paused${s.reason ? `: ${s.reason}` : ''}`, title, tone: 'warning' }
  if (s.state === 'scanning') return { text: 'Indexing: scanning…', title, tone: 'busy' }
  if (s.state === 'indexing' && s.progress) {
    return { text: `Indexing ${n(s.progress.done)}/${n(s.progress.total)}`, title, tone: 'busy' }
  }
  if (s.embedState === 'building')
    return {
      text: `${counts} · building vector index…`,
      title: `${title}\nThe vector index is built once per index; searches wait until it is done.`,
      tone: 'busy',
    }
  if (s.embedState === 'unavailable')
    return { text: `${counts} · embeddings unavailable`, title, tone: 'warning' }
  return { text: `${counts}${backlog}`, title, tone: backlog ? 'busy' : 'normal' }
}

/** What the last scan left out and why, e.g. "left out: .env — may contain secrets (…)". */
function skippedLines(sk: Status['skipped']): string[] {
  if (!sk || sk.count === 0) return []
  const more = sk.count - sk.sample.length
  // Per reason (an ignore rule names its file and pattern) when more were left out than are shown.
  const reasons = more > 0 && sk.reasons ? sk.reasons : []
  return [
    `${n(sk.count)} file${sk.count === 1 ? '' : 's'} left out:`,
    ...sk.sample.map((f) => `  ${f.path} — ${f.reason}`),
    ...(more > 0 ? [`  and ${n(more)} more (hearth index --json lists them all)`] : []),
    ...(reasons.length > 0 ? ['by reason:', ...reasons.map((r) => `  ${n(r.count)} — ${r.reason}`)] : []),
  ]
}

/** The index item of the status bar; follows `index.status` events. */
export function IndexStatus({ api }: { api: HearthApi }) {
  const [status, setStatus] = useState<Status | null>(null)
  useEffect(() => {
    let live = true
    const off = api.on('index.status', (s) => setStatus(s))
    api.call('index.status', {}).then(
      (s) => {
        if (live) setStatus((cur) => cur ?? s)
      },
      () => undefined,
    )
    return () => {
      live = false
      off()
    }
  }, [api])
  if (!status) return null
  const d = describeIndexStatus(status)
  return (
    <span className={`status-item index-status ${d.tone}`} title={d.title} data-testid="index-status">
      {d.text}
    </span>
  )
}
