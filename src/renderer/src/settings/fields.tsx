import { useState, type KeyboardEvent } from 'react'

/** Commits on Enter or blur, only when the text changed; re-keyed when the saved value changes. */
export function CommitInput(props: {
  value: string
  placeholder?: string
  list?: string
  onCommit: (v: string) => void
}) {
  const commit = (v: string): void => {
    if (v.trim() !== props.value) props.onCommit(v.trim())
  }
  return (
    <input
      key={props.value}
      className="settings-input"
      defaultValue={props.value}
      placeholder={props.placeholder}
      list={props.list}
      spellCheck={false}
      onBlur={(e) => commit(e.currentTarget.value)}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') commit(e.currentTarget.value)
        if (e.key === 'Escape') e.currentTarget.value = props.value
      }}
    />
  )
}

/** A labelled number that commits on blur, when it is not empty and changed. */
export function NumberSetting(props: {
  label: string
  value: number
  hint?: string
  onCommit: (v: number) => void
}) {
  return (
    <div className="settings-row">
      <label>
        {props.label}{' '}
        <input
          key={props.value}
          type="number"
          className="settings-number"
          defaultValue={props.value}
          onBlur={(e) => {
            const v = Number(e.currentTarget.value)
            if (e.currentTarget.value !== '' && v !== props.value) props.onCommit(v)
          }}
        />
      </label>
      {props.hint && <span className="settings-muted"> ({props.hint})</span>}
    </div>
  )
}

/** Write-only: the field is never filled from the core (it never sends the token back). */
export function TokenInput({ hasToken, onSet }: { hasToken: boolean; onSet: (t: string | null) => void }) {
  const [draft, setDraft] = useState('')
  return (
    <span className="settings-token">
      <input
        type="password"
        className="settings-input"
        autoComplete="off"
        placeholder={hasToken ? 'token stored' : 'bearer token'}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
      <button
        type="button"
        disabled={draft.trim() === ''}
        onClick={() => {
          onSet(draft)
          setDraft('')
        }}
      >
        Set
      </button>
      {hasToken && (
        <button type="button" onClick={() => onSet(null)}>
          Clear
        </button>
      )}
    </span>
  )
}
