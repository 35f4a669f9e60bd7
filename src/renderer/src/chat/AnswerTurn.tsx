import { useEffect, useMemo, useRef } from 'react'
import type { MouseEvent } from 'react'
import type { ChatCitation, ChatTurn } from '@shared/contract/chat'
import { loadMonaco } from '../monaco/loadMonaco'
import type { Monaco } from '../monaco/monacoSetup'
import { codeBlocks, type CodeBlock } from './codeBlocks'
import { renderAnswer } from './renderMarkdown'

export type CodeAction = 'copy' | 'insert' | 'apply'

export interface TurnProps {
  turn: ChatTurn
  onCite: (c: ChatCitation) => void
  /** A code block's button: Copy, Insert at cursor, Apply (as a reviewed diff). */
  onCode?: (action: CodeAction, block: CodeBlock, citations: readonly ChatCitation[]) => void
  streaming?: boolean
}

const ACTIONS: { action: CodeAction; label: string; title: string }[] = [
  { action: 'copy', label: 'Copy', title: 'Copy the code' },
  { action: 'insert', label: 'Insert', title: 'Insert at the cursor in the editor' },
  { action: 'apply', label: 'Apply', title: 'Apply to the file it is about, as a diff to review' },
]

/**
 * One turn of a conversation: the question as typed, or the answer as Markdown with [n] links to
 * the cited lines and, once it has streamed, Monaco's colours and a Copy / Insert / Apply bar on
 * each code block.
 */
export function Turn({ turn, onCite, onCode, streaming }: TurnProps) {
  const body = useRef<HTMLDivElement>(null)
  const withBar = onCode !== undefined
  const citations = useMemo(() => turn.citations ?? [], [turn.citations])
  const html = useMemo(
    () => (turn.role === 'assistant' ? renderAnswer(turn.content, new Set(citations.map((c) => c.n))) : ''),
    [turn.role, turn.content, citations],
  )
  const blocks = useMemo(
    () => (turn.role === 'assistant' && !streaming ? codeBlocks(turn.content) : []),
    [turn.role, turn.content, streaming],
  )
  useEffect(() => {
    if (streaming || !body.current) return
    const pres = [...body.current.querySelectorAll<HTMLElement>('pre')]
    // The bar goes on each block the Markdown's own walk found, in the same order.
    if (withBar && pres.length === blocks.length)
      pres.forEach((pre, i) => {
        if (pre.previousElementSibling?.classList.contains('chat-code-bar')) return
        const bar = document.createElement('div')
        bar.className = 'chat-code-bar'
        for (const a of ACTIONS) {
          const b = document.createElement('button')
          b.type = 'button'
          b.textContent = a.label
          b.title = a.title
          b.dataset.codeAction = a.action
          b.dataset.block = String(i)
          bar.appendChild(b)
        }
        pre.before(bar)
      })
    const codes = [...body.current.querySelectorAll<HTMLElement>('pre > code[class*="language-"]')]
    if (codes.length === 0) return
    let live = true
    void loadMonaco().then(async (monaco) => {
      for (const code of codes) {
        const lang = monacoLanguage(monaco, /language-([\w+#-]+)/.exec(code.className)?.[1] ?? '')
        // colorize() escapes the text it is given: its HTML holds only spans with token classes.
        const colored = await monaco.editor.colorize(code.textContent ?? '', lang, { tabSize: 2 })
        if (live) code.innerHTML = colored
      }
    })
    return () => {
      live = false
    }
  }, [html, streaming, blocks, withBar])
  const onClick = (e: MouseEvent<HTMLDivElement>): void => {
    const target = e.target as HTMLElement
    const button = target.closest<HTMLButtonElement>('button[data-code-action]')
    if (button) {
      const block = blocks[Number(button.dataset.block)]
      if (block) onCode?.(button.dataset.codeAction as CodeAction, block, citations)
      return
    }
    const a = target.closest('a')
    const m = a ? /^#cite-(\d+)$/.exec(a.getAttribute('href') ?? '') : null
    if (!m) return
    e.preventDefault()
    const c = citations.find((x) => x.n === Number(m[1]))
    if (c) onCite(c)
  }
  if (turn.role === 'user')
    return (
      <div className="chat-turn chat-user" data-testid="chat-question">
        {turn.content}
      </div>
    )
  return (
    <div className="chat-turn chat-assistant" data-testid={streaming ? 'chat-streaming' : 'chat-answer'}>
      {turn.droppedTurns !== undefined && (
        <div className="chat-note" data-testid="chat-trimmed">
          {turn.droppedTurns === 1
            ? 'The oldest message was'
            : `The ${turn.droppedTurns} oldest messages were`}{' '}
          left out to fit the model&apos;s context.
        </div>
      )}
      <div
        className="chat-markdown"
        ref={body}
        onClick={onClick}
        dangerouslySetInnerHTML={{ __html: html }}
      />
      {turn.ended === 'stopped' && (
        <div className="chat-note">{turn.content ? 'Stopped.' : 'Stopped before the answer began.'}</div>
      )}
      {turn.ended === 'length' && <div className="chat-note">Cut at the answer length limit.</div>}
      {citations.length > 0 && (
        <div className="chat-citations">
          {citations.map((c) => (
            <button key={c.n} type="button" data-testid="chat-citation" onClick={() => onCite(c)}>
              [{c.n}] {c.path}:{c.startLine}-{c.endLine}
            </button>
          ))}
        </div>
      )}
      {turn.model && <div className="chat-model">{turn.model}</div>}
    </div>
  )
}

/** Monaco's language for a fence's tag as models write it: an id, an alias or an extension (`ts`, `py`). */
export function monacoLanguage(monaco: Monaco, tag: string): string {
  const t = tag.toLowerCase()
  if (!t) return 'plaintext'
  const found = monaco.languages
    .getLanguages()
    .find(
      (l) => l.id === t || l.aliases?.some((a) => a.toLowerCase() === t) || l.extensions?.includes(`.${t}`),
    )
  return found?.id ?? 'plaintext'
}
