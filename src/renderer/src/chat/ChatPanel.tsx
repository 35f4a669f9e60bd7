import { useCallback, useEffect, useRef, useState } from 'react'
import type { KeyboardEvent } from 'react'
import type { ChatCitation, SymbolRef } from '@shared/contract/chat'
import { onViewRequest } from '../commands/requests'
import { activeSelection } from '../editor/activeSelection'
import { editHost, editorShowing } from '../edit/editHost'
import { loadMonaco } from '../monaco/loadMonaco'
import { languageForPath } from '../monaco/languageForPath'
import type { PanelProps } from '../workbench/contributionTypes'
import { monacoLanguage, Turn, type CodeAction } from './AnswerTurn'
import { onAddSelectionRequest } from './chatCommands'
import { applyTarget, type CodeBlock } from './codeBlocks'
import { ChatHeader } from './ChatHeader'
import { MentionList } from './MentionList'
import { NoChatModel } from './NoChatModel'
import { type ChatContextChoice, useChat } from './useChat'
import { type Mention, useMentions } from './useMentions'
import './chat.css'

/**
 * Ask the codebase (Ctrl+L): answers stream as Markdown with highlighted code; each cites the
 * code it was given as [n], a link that opens the file at those lines. What goes with a question
 * is shown as chips and can be removed before sending: @codebase (retrieval from the index),
 * files and symbols picked by typing `@`, the open file, the editor's selection. Code blocks of
 * an answer can be copied, inserted at the cursor, or applied to their file through the same
 * diff review as Ctrl+I. Conversations are kept per folder: continue, rename, delete.
 */
export function ChatPanel({ api, openFile, visible, activePath, showPanel }: PanelProps) {
  const chat = useChat(api)
  const openConversation = chat.open
  // "Chat: New Conversation" from the palette.
  useEffect(() => onViewRequest('chat.new', () => void openConversation(null)), [openConversation])
  // "Chat: Add Selection to Chat" from the palette.
  useEffect(() => onAddSelectionRequest(() => addSelectionRef.current()), [])
  const [question, setQuestion] = useState('')
  const [codebase, setCodebase] = useState(true)
  const [files, setFiles] = useState<string[]>([])
  const [symbols, setSymbols] = useState<SymbolRef[]>([])
  const [selection, setSelection] = useState<ChatContextChoice['selection']>()
  const [notice, setNotice] = useState<string | undefined>()
  const mentions = useMentions(api)
  const input = useRef<HTMLTextAreaElement>(null)
  const log = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (visible) input.current?.focus()
  }, [visible])
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight })
  }, [chat.current.turns, chat.asking?.answer, chat.error])

  const send = async (): Promise<void> => {
    const q = question.trim()
    if (!q || chat.asking) return
    setQuestion('')
    setNotice(undefined)
    mentions.close()
    const ok = await chat.ask(q, { codebase, files, symbols, ...(selection ? { selection } : {}) })
    if (ok) {
      setSelection(undefined)
      setSymbols([])
    } else {
      // Not answered: the question comes back to the input (unless a new one is being typed).
      setQuestion((typed) => (typed.trim() ? typed : q))
    }
    input.current?.focus()
  }

  const pick = (m: Mention): void => {
    const at = mentions.at
    const el = input.current
    if (at && el) {
      // The typed `@query` becomes the chip.
      const caret = el.selectionStart
      const next = question.slice(0, at.start) + question.slice(caret)
      setQuestion(next)
      requestAnimationFrame(() => el.setSelectionRange(at.start, at.start))
    }
    mentions.close()
    if (m.kind === 'codebase') setCodebase(true)
    else if (m.kind === 'file') setFiles((f) => (f.includes(m.path) ? f : [...f, m.path]))
    else {
      const { kind: _kind, ...ref } = m
      setSymbols((s) => (s.some((x) => x.name === ref.name && x.path === ref.path) ? s : [...s, ref]))
    }
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (mentions.open && !e.nativeEvent.isComposing) {
      const n = mentions.items.length
      if (e.key === 'ArrowDown' && n > 0) mentions.setIndex((mentions.index + 1) % n)
      else if (e.key === 'ArrowUp' && n > 0) mentions.setIndex((mentions.index - 1 + n) % n)
      else if ((e.key === 'Enter' || e.key === 'Tab') && n > 0) {
        const m = mentions.items[mentions.index]
        if (m) pick(m)
      } else if (e.key === 'Escape') mentions.close()
      else return
      e.preventDefault()
      return
    }
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
  const addSelectionRef = useRef(addSelection)
  addSelectionRef.current = addSelection
  const openCitation = useCallback(
    (c: ChatCitation): void => openFile(c.path, { line: c.startLine, column: 1 }),
    [openFile],
  )

  const onCode = useCallback(
    (action: CodeAction, block: CodeBlock, citations: readonly ChatCitation[]): void => {
      setNotice(undefined)
      if (action === 'copy') {
        void copyText(block.text).then((ok) =>
          setNotice(ok ? 'Copied.' : 'The browser did not allow copying.'),
        )
        return
      }
      if (action === 'insert') {
        if (!editHost()?.insert(block.text)) setNotice('Open a file in the editor first, then press Insert.')
        return
      }
      void (async () => {
        const monaco = await loadMonaco()
        const languages = monaco.languages.getLanguages()
        const sel = activeSelection()
        const target = applyTarget(block, {
          citations,
          activePath,
          selection: sel && sel.text.trim() ? sel : undefined,
          languageOfPath: (p) => languageForPath(p, languages),
          languageOfTag: (t) => {
            const id = monacoLanguage(monaco, t)
            return id === 'plaintext' ? undefined : id
          },
        })
        if (!target) return setNotice('Open the file this code is for, then press Apply again.')
        openFile(target.path, target.range ? { line: target.range.startLine, column: 1 } : undefined)
        const host = await editorShowing(target.path)
        if (!host?.review(target.range, block.text, `from chat (${target.why})`))
          setNotice(`Could not open ${target.path} for editing.`)
      })()
    },
    [activePath, openFile],
  )

  return (
    <div className="chat-panel" data-testid="chat-panel">
      <ChatHeader chat={chat} />
      <div className="chat-log" ref={log} data-testid="chat-log">
        {chat.current.turns.length === 0 && !chat.asking && !chat.error && (
          <p className="chat-empty">
            Ask about this folder&apos;s code. With @codebase the answer draws on the most related code from
            the index and cites it; type @ to add a file or a symbol, or add the open file or your selection.
          </p>
        )}
        {chat.current.turns.map((t, i) => (
          <Turn key={i} turn={t} onCite={openCitation} onCode={onCode} />
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
        {chat.error &&
          (chat.error.noModel ? (
            <NoChatModel detail={chat.error.message} onSetUp={() => openModelSetup(showPanel)} />
          ) : (
            <div className="chat-error" role="alert">
              {chat.error.message}
            </div>
          ))}
      </div>
      {notice && (
        <div className="chat-notice" role="status">
          {notice}
        </div>
      )}
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
        {symbols.map((s) => (
          <Chip
            key={`${s.name}@${s.path}`}
            label={`@${s.name}`}
            title={`the declaration, ${s.path}:${s.startLine}-${s.endLine}`}
            onRemove={() => setSymbols((x) => x.filter((y) => y !== s))}
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
        {mentions.open && (
          <MentionList
            items={mentions.items}
            index={mentions.index}
            onPick={pick}
            onHover={mentions.setIndex}
          />
        )}
        <textarea
          ref={input}
          aria-label="Question"
          placeholder="Ask about the code (@ to add a file or symbol; Enter to send, Shift+Enter for a new line)"
          value={question}
          rows={3}
          onChange={(e) => {
            setQuestion(e.target.value)
            mentions.update(e.target.value, e.target.selectionStart)
          }}
          onSelect={(e) => mentions.update(e.currentTarget.value, e.currentTarget.selectionStart)}
          onBlur={() => mentions.close()}
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

/** Settings ▸ Models, where a chat model is downloaded ("Use for chat") or a server connected. */
function openModelSetup(showPanel: ((id: string) => void) | undefined): void {
  showPanel?.('settings')
  const scroll = (tries: number): void => {
    const el = document.querySelector('[data-testid="settings-models"]')
    if (el) el.scrollIntoView({ block: 'start' })
    else if (tries > 0) setTimeout(() => scroll(tries - 1), 100)
  }
  requestAnimationFrame(() => scroll(20))
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // No clipboard permission (an insecure origin): the old way still works on a user's click.
    const area = document.createElement('textarea')
    area.value = text
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.appendChild(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    return ok
  }
}
