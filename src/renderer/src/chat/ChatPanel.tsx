import { useEffect, useMemo, useRef, useState } from 'react'
import type { KeyboardEvent, MouseEvent } from 'react'
import type { ChatCitation, ChatTurn } from '@shared/contract/chat'
import { activeSelection } from '../editor/activeSelection'
import { loadMonaco } from '../monaco/loadMonaco'
import type { Monaco } from '../monaco/monacoSetup'
import type { PanelProps } from '../workbench/contributionTypes'
import { renderAnswer } from './renderMarkdown'
import { type ChatContextChoice, useChat } from './useChat'
import './chat.css'

/**
 * Ask the codebase (Ctrl+L): answers stream as Markdown with highlighted code; each cites the
 * code it was given as [n], a link that opens the file at those lines. What goes with a question
 * is shown as chips and can be removed before sending: @codebase (retrieval from the index), the
 * open file, the editor's selection. Conversations are kept per folder: continue, rename, delete.
 */
export function ChatPanel({ api, openFile, visible, activePath }: PanelProps) {
  const chat = useChat(api)
  const [question, setQuestion] = useState('')
  const [codebase, setCodebase] = useState(true)
  const [files, setFiles] = useState<string[]>([])
  const [selection, setSelection] = useState<ChatContextChoice['selection']>()
  const [renaming, setRenaming] = useState<string | undefined>()
  const input = useRef<HTMLTextAreaElement>(null)
  const log = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (visible) input.current?.focus()
  }, [visible])
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight })
  }, [chat.current.turns, chat.asking?.answer])

  const send = async (): Promise<void> => {
    const q = question.trim()
    if (!q || chat.asking) return
    setQuestion('')
    await chat.ask(q, { codebase, files, ...(selection ? { selection } : {}) })
    setSelection(undefined)
    input.current?.focus()
  }
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      void send()
    }
  }
  const addSelection = (): void => {
    const s = activeSelection()
    if (s && s.text.trim()) setSelection(s)
    else if (s) setFiles((f) => (f.includes(s.path) ? f : [...f, s.path]))
  }
  const openCitation = (c: ChatCitation): void => openFile(c.path, { line: c.startLine, column: 1 })

  return (
    <div className="chat-panel" data-testid="chat-panel">
      <div className="chat-header">
        {renaming !== undefined ? (
          <input
            className="chat-title-input"
            aria-label="Conversation title"
            value={renaming}
            autoFocus
            onChange={(e) => setRenaming(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && renaming.trim())
                void chat.rename(renaming.trim()).then(() => setRenaming(undefined))
              if (e.key === 'Escape') setRenaming(undefined)
            }}
            onBlur={() => setRenaming(undefined)}
          />
        ) : (
          <select
            aria-label="Conversation"
            value={chat.current.id ?? ''}
            onChange={(e) => void chat.open(e.target.value || null)}
          >
            <option value="">New chat</option>
            {chat.conversations.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        )}
        <button type="button" title="New chat" onClick={() => void chat.open(null)}>
          New
        </button>
        <button
          type="button"
          title="Rename this conversation"
          disabled={!chat.current.id}
          onClick={() => setRenaming(chat.current.title)}
        >
          Rename
        </button>
        <button
          type="button"
          title="Delete this conversation"
          disabled={!chat.current.id}
          onClick={() => {
            if (window.confirm(`Delete "${chat.current.title}"?`)) void chat.remove()
          }}
        >
          Delete
        </button>
      </div>
      <div className="chat-log" ref={log} data-testid="chat-log">
        {chat.current.turns.length === 0 && !chat.asking && (
          <p className="chat-empty">
            Ask about this folder&apos;s code. With @codebase the answer draws on the most related code from
            the index and cites it; add the open file or your selection for questions about them.
          </p>
        )}
        {chat.current.turns.map((t, i) => (
          <Turn key={i} turn={t} onCite={openCitation} />
        ))}
        {chat.asking && (
          <>
            <Turn turn={{ role: 'user', content: chat.asking.question }} onCite={openCitation} />
            <Turn
              turn={{ role: 'assistant', content: chat.asking.answer || '…' }}
              onCite={openCitation}
              streaming
            />
          </>
        )}
        {chat.error && (
          <div className="chat-error" role="alert">
            {chat.error}
          </div>
        )}
      </div>
      <div className="chat-chips" aria-label="Context sent with the question">
        {codebase && (
          <Chip
            label="@codebase"
            title="the most related code from the index"
            onRemove={() => setCodebase(false)}
          />
        )}
        {files.map((f) => (
          <Chip
            key={f}
            label={`@${f}`}
            title="the whole file"
            onRemove={() => setFiles((x) => x.filter((y) => y !== f))}
          />
        ))}
        {selection && (
          <Chip
            label={`selection ${selection.path}:${selection.startLine}-${selection.endLine}`}
            title="the selected lines"
            onRemove={() => setSelection(undefined)}
          />
        )}
        {!codebase && (
          <button type="button" className="chat-add" onClick={() => setCodebase(true)}>
            + @codebase
          </button>
        )}
        {activePath && !files.includes(activePath) && (
          <button type="button" className="chat-add" onClick={() => setFiles((f) => [...f, activePath])}>
            + open file
          </button>
        )}
        <button type="button" className="chat-add" onClick={addSelection}>
          + selection
        </button>
      </div>
      <div className="chat-input">
        <textarea
          ref={input}
          aria-label="Question"
          placeholder="Ask about the code (Enter to send, Shift+Enter for a new line)"
          value={question}
          rows={3}
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={onKeyDown}
        />
        {chat.asking ? (
          <button type="button" className="chat-stop" onClick={chat.stop}>
            Stop
          </button>
        ) : (
          <button type="button" className="chat-send" disabled={!question.trim()} onClick={() => void send()}>
            Send
          </button>
        )}
      </div>
    </div>
  )
}

function Chip({ label, title, onRemove }: { label: string; title: string; onRemove: () => void }) {
  return (
    <span className="chat-chip" title={title}>
      {label}
      <button type="button" aria-label={`Remove ${label}`} onClick={onRemove}>
        ×
      </button>
    </span>
  )
}

function Turn({
  turn,
  onCite,
  streaming,
}: {
  turn: ChatTurn
  onCite: (c: ChatCitation) => void
  streaming?: boolean
}) {
  const body = useRef<HTMLDivElement>(null)
  const citations = useMemo(() => turn.citations ?? [], [turn.citations])
  const html = useMemo(
    () => (turn.role === 'assistant' ? renderAnswer(turn.content, new Set(citations.map((c) => c.n))) : ''),
    [turn.role, turn.content, citations],
  )
  useEffect(() => {
    if (streaming || !body.current) return
    const blocks = [...body.current.querySelectorAll<HTMLElement>('pre > code[class*="language-"]')]
    if (blocks.length === 0) return
    let live = true
    void loadMonaco().then(async (monaco) => {
      for (const code of blocks) {
        const lang = monacoLanguage(monaco, /language-([\w+#-]+)/.exec(code.className)?.[1] ?? '')
        // colorize() escapes the text it is given: its HTML holds only spans with token classes.
        const colored = await monaco.editor.colorize(code.textContent ?? '', lang, { tabSize: 2 })
        if (live) code.innerHTML = colored
      }
    })
    return () => {
      live = false
    }
  }, [html, streaming])
  const onClick = (e: MouseEvent<HTMLDivElement>): void => {
    const a = (e.target as HTMLElement).closest('a')
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
function monacoLanguage(monaco: Monaco, tag: string): string {
  const t = tag.toLowerCase()
  if (!t) return 'plaintext'
  const found = monaco.languages
    .getLanguages()
    .find(
      (l) => l.id === t || l.aliases?.some((a) => a.toLowerCase() === t) || l.extensions?.includes(`.${t}`),
    )
  return found?.id ?? 'plaintext'
}
