import { useEffect, useMemo, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { GitBranch } from '@shared/contract/git'
import { PickerDialog, useListNavigation } from '../quickopen/PickerDialog'
import { applyStatus } from './gitState'
import type { BranchPickerMode } from './scmEvents'

type Item = { kind: 'create'; name: string } | { kind: 'branch'; branch: GitBranch }

/**
 * Switch to a branch or create one (VS Code's "Checkout to…"), in the quick-open's place. A
 * switch git refuses (changes it would overwrite) keeps the picker open with git's reason.
 */
export function BranchPicker({
  api,
  mode,
  onClose,
}: {
  api: HearthApi
  mode: BranchPickerMode
  onClose: () => void
}) {
  const [branches, setBranches] = useState<GitBranch[] | undefined>()
  const [query, setQuery] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (mode === 'create') return
    api.call('git.branches', {}).then(
      (r) => setBranches(r.branches),
      (err: unknown) => setError((err as Error).message),
    )
  }, [api, mode])

  const items = useMemo((): Item[] => {
    const q = query.trim()
    if (mode === 'create') return q ? [{ kind: 'create', name: q }] : []
    const hits = (branches ?? []).filter((b) => b.name.toLowerCase().includes(q.toLowerCase()))
    const exact = hits.some((b) => b.name === q)
    return [
      ...(q && !exact ? [{ kind: 'create' as const, name: q }] : []),
      ...hits.map((branch) => ({ kind: 'branch' as const, branch })),
    ]
  }, [branches, query, mode])

  const choose = (item: Item | undefined): void => {
    if (!item || busy) return
    if (item.kind === 'branch' && item.branch.current) return onClose()
    setBusy(true)
    setError(undefined)
    const branch = item.kind === 'create' ? item.name : item.branch.name
    api.call('git.checkout', { branch, create: item.kind === 'create' }).then(
      (st) => {
        applyStatus(st)
        onClose()
      },
      (err: unknown) => {
        setError((err as Error).message)
        setBusy(false)
      },
    )
  }

  const { index, setIndex, onKeyDown } = useListNavigation(items.length, (i) => choose(items[i]))

  return (
    <PickerDialog testId="branch-picker" label="Switch branch" onClose={onClose}>
      <input
        autoFocus
        className="quick-open-input"
        data-testid="branch-picker-input"
        placeholder={
          mode === 'create'
            ? 'Name of the new branch (Enter to create and switch)'
            : 'Switch to a branch, or type a new name to create one'
        }
        value={query}
        disabled={busy}
        onChange={(e) => {
          setQuery(e.target.value)
          setIndex(0)
          setError(undefined)
        }}
        onKeyDown={onKeyDown}
        spellCheck={false}
      />
      {error && (
        <div className="scm-error picker-error" data-testid="branch-picker-error" role="alert">
          {error}
        </div>
      )}
      <div className="quick-open-list" role="listbox">
        {mode === 'switch' && !branches && !error && <div className="quick-open-note">Reading branches…</div>}
        {items.map((it, i) => (
          <div
            key={it.kind === 'create' ? '+create' : it.branch.name}
            role="option"
            aria-selected={i === index}
            className="quick-open-item"
            data-testid="branch-picker-item"
            data-branch={it.kind === 'branch' ? it.branch.name : ''}
            onMouseMove={() => setIndex(i)}
            onClick={() => choose(it)}
          >
            {it.kind === 'create' ? (
              <span className="quick-open-name">+ Create new branch “{it.name}”</span>
            ) : (
              <>
                <span className="quick-open-name">
                  {it.branch.name}
                  {it.branch.current ? ' (current)' : ''}
                </span>
                <span className="quick-open-dir">
                  {it.branch.commit} {it.branch.subject}
                </span>
              </>
            )}
          </div>
        ))}
      </div>
    </PickerDialog>
  )
}
