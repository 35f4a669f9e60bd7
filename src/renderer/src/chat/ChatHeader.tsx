import { useState } from 'react'
import type { useChat } from './useChat'

/** The conversation picker with New, Rename and Delete. */
export function ChatHeader({ chat }: { chat: ReturnType<typeof useChat> }) {
  const [renaming, setRenaming] = useState<string | undefined>()
  return (
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
  )
}
