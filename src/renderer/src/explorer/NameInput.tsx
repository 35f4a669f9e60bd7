import { useEffect, useRef } from 'react'

interface Props {
  value: string
  error: string | undefined
  busy: boolean | undefined
  /** Indent level of the row it stands in. */
  depth: number
  label: string
  onChange: (value: string) => void
  onCommit: (onBlur: boolean) => void
  onCancel: () => void
}

/**
 * The inline name box of the explorer (new file, new folder, rename), as in VS Code: Enter
 * commits, Escape cancels, leaving it commits a good name. The problem with the name shows under
 * it while typing; the box keeps what was typed until the user fixes it or gives up.
 */
export function NameInput({ value, error, busy, depth, label, onChange, onCommit, onCancel }: Props) {
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    el.focus()
    // Select the name without its extension, so typing replaces the stem (`index` of `index.ts`).
    const dot = el.value.lastIndexOf('.')
    el.setSelectionRange(0, dot > 0 ? dot : el.value.length)
    // Only when the box appears: later renders must not reselect what the user typed.
  }, [])
  return (
    <div
      className="tree-item editing"
      style={{ paddingLeft: 8 + depth * 12 }}
      data-testid="explorer-name-row"
    >
      <span className="twistie" />
      <div className="name-box">
        <input
          ref={ref}
          className={error ? 'name-input invalid' : 'name-input'}
          data-testid="explorer-name-input"
          aria-label={label}
          aria-invalid={error ? true : undefined}
          spellCheck={false}
          autoComplete="off"
          value={value}
          readOnly={busy}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => {
            // The tree's own keys (arrows, Delete, F2) must not act while typing a name.
            e.stopPropagation()
            if (e.key === 'Enter') {
              e.preventDefault()
              onCommit(false)
            } else if (e.key === 'Escape') {
              e.preventDefault()
              onCancel()
            }
          }}
          onBlur={() => onCommit(true)}
          onClick={(e) => e.stopPropagation()}
        />
        {error && (
          <div className="name-error" role="alert" data-testid="explorer-name-error">
            {error}
          </div>
        )}
      </div>
    </div>
  )
}
