import type { Mention } from './useMentions'

/** The `@` picker's list, above the chat input. */
export function MentionList({
  items,
  index,
  onPick,
  onHover,
}: {
  items: readonly Mention[]
  index: number
  onPick: (m: Mention) => void
  onHover: (i: number) => void
}) {
  return (
    <div
      className="chat-mentions"
      role="listbox"
      aria-label="Mention a file or symbol"
      data-testid="chat-mentions"
    >
      {items.length === 0 && <div className="chat-mentions-empty">No file or symbol matches.</div>}
      {items.map((m, i) => (
        <div
          key={mentionKey(m)}
          role="option"
          aria-selected={i === index}
          className="chat-mention"
          onMouseEnter={() => onHover(i)}
          // Keep the input's focus (and caret) while picking with the mouse.
          onMouseDown={(e) => {
            e.preventDefault()
            onPick(m)
          }}
        >
          {m.kind === 'codebase' ? (
            <>
              <span className="chat-mention-kind">@</span>codebase
              <span className="chat-mention-detail">the most related code from the index</span>
            </>
          ) : m.kind === 'file' ? (
            <>
              <span className="chat-mention-kind">file</span>
              {m.path.split('/').pop()}
              <span className="chat-mention-detail">{m.path}</span>
            </>
          ) : (
            <>
              <span className="chat-mention-kind">symbol</span>
              {m.name}
              <span className="chat-mention-detail">
                {m.path}:{m.startLine}
              </span>
            </>
          )}
        </div>
      ))}
    </div>
  )
}

export function mentionKey(m: Mention): string {
  return m.kind === 'codebase'
    ? 'codebase'
    : m.kind === 'file'
      ? `f:${m.path}`
      : `s:${m.name}@${m.path}:${m.startLine}`
}
