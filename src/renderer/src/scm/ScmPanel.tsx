import { useEffect, useRef, useState } from 'react'
import type { GitChange, GitRepoStatus, GitStatus } from '@shared/contract/git'
import { useObservable } from '../util/useObservable'
import type { PanelProps } from '../workbench/contributionTypes'
import { applyStatus, diffRequest, refreshGit, useGitStatus } from './gitState'
import { ScmGroup } from './ScmChanges'
import { commitRequests } from './scmEvents'
import './scm.css'

/** What a failed call says; the core's errors are sentences already. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function detailsOf(err: unknown): Record<string, unknown> {
  const d = (err as { details?: unknown }).details
  return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : {}
}

/**
 * The Source Control view: the commit box, then conflicts, staged and unstaged changes of the
 * open folder. A row opens its diff in the editor's place; + and − stage and unstage.
 */
export function ScmPanel({ api, openFile, visible }: PanelProps) {
  const status = useGitStatus(api)
  const shown = useObservable(diffRequest)
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [notice, setNotice] = useState<string | undefined>()
  /** Nothing was staged: the view asks before committing every change. */
  const [askStageAll, setAskStageAll] = useState(false)
  const box = useRef<HTMLTextAreaElement>(null)

  useEffect(() => {
    if (visible) refreshGit(api)
  }, [api, visible])

  const run = async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true)
    setError(undefined)
    setNotice(undefined)
    try {
      return await work()
    } catch (err) {
      setError(messageOf(err))
      return undefined
    } finally {
      setBusy(false)
    }
  }

  const apply = (st: GitStatus | undefined): void => {
    if (st) applyStatus(st)
  }

  const commit = async (stageAll: boolean): Promise<void> => {
    setAskStageAll(false)
    if (message.trim() === '') {
      setError('Write a commit message first.')
      box.current?.focus()
      return
    }
    setBusy(true)
    setError(undefined)
    setNotice(undefined)
    try {
      const done = await api.call('git.commit', { message, stageAll })
      applyStatus(done.status)
      setMessage('')
      setNotice(`Committed ${done.commit}: ${done.summary}`)
    } catch (err) {
      if (detailsOf(err).nothingStaged === true && Number(detailsOf(err).changes) > 0) setAskStageAll(true)
      else setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  // "Git: Commit" from the palette commits what the box holds.
  const commitRef = useRef(commit)
  commitRef.current = commit
  const requests = useObservable(commitRequests)
  const seen = useRef(requests)
  useEffect(() => {
    if (requests === seen.current) return
    seen.current = requests
    box.current?.focus()
    void commitRef.current(false)
  }, [requests])

  const move = (staged: boolean) => (paths: string[], all: boolean) =>
    void run(() => api.call(staged ? 'git.unstage' : 'git.stage', { paths, all })).then(apply)

  const openDiff = (staged: boolean) => (c: GitChange) => diffRequest.set({ path: c.path, staged })

  return (
    <div className="scm" data-testid="scm">
      <div className="panel-header">
        <span className="panel-title">Source Control</span>
        <button
          className="icon-button"
          title="Refresh"
          data-testid="scm-refresh"
          onClick={() => refreshGit(api)}
        >
          ⟳
        </button>
      </div>
      {status === undefined && <div className="scm-note">Reading the repository…</div>}
      {status?.state === 'unavailable' && (
        <div className="scm-note" data-testid="scm-unavailable">
          {status.message}
        </div>
      )}
      {status?.state === 'notRepo' && (
        <div className="scm-note" data-testid="scm-not-repo">
          <p>{status.message} Initialize one to track changes with git.</p>
          <button
            className="primary"
            data-testid="scm-init"
            disabled={busy}
            onClick={() => void run(() => api.call('git.init', {})).then(apply)}
          >
            Initialize Repository
          </button>
          {error && <div className="scm-error">{error}</div>}
        </div>
      )}
      {status?.state === 'repo' && (
        <div className="scm-body">
          <div className="scm-commit">
            <textarea
              ref={box}
              className="scm-message"
              data-testid="scm-message"
              rows={Math.min(8, Math.max(2, message.split('\n').length))}
              placeholder={`Message (${navigator.platform.startsWith('Mac') ? '⌘' : 'Ctrl'}+Enter to commit on ${branchLabel(status)})`}
              value={message}
              spellCheck
              onChange={(e) => {
                setMessage(e.target.value)
                setAskStageAll(false)
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault()
                  void commit(false)
                }
              }}
            />
            <button
              className="primary scm-commit-button"
              data-testid="scm-commit"
              disabled={busy}
              onClick={() => void commit(false)}
            >
              {busy ? 'Working…' : 'Commit'}
            </button>
            {askStageAll && (
              <div className="scm-ask" data-testid="scm-ask-stage-all" role="alertdialog">
                <span>There are no staged changes. Stage all your changes and commit them?</span>
                <button
                  className="primary"
                  data-testid="scm-stage-all-commit"
                  onClick={() => void commit(true)}
                >
                  Stage All and Commit
                </button>
                <button onClick={() => setAskStageAll(false)}>Cancel</button>
              </div>
            )}
            {error && (
              <div className="scm-error" data-testid="scm-error" role="alert">
                {error}
              </div>
            )}
            {notice && (
              <div className="scm-notice" data-testid="scm-notice">
                {notice}
              </div>
            )}
          </div>
          <Groups status={status} shown={shown} move={move} openDiff={openDiff} openFile={openFile} />
        </div>
      )}
    </div>
  )
}

function Groups({
  status,
  shown,
  move,
  openDiff,
  openFile,
}: {
  status: GitRepoStatus
  shown: { path: string; staged: boolean } | undefined
  move: (staged: boolean) => (paths: string[], all: boolean) => void
  openDiff: (staged: boolean) => (c: GitChange) => void
  openFile: (path: string) => void
}) {
  const empty =
    status.staged.changes.length + status.unstaged.changes.length + status.conflicts.changes.length === 0
  const selected = (staged: boolean): string | undefined =>
    shown?.staged === staged ? shown.path : undefined
  return (
    <div className="scm-groups" role="tree" aria-label="Changes">
      {empty && (
        <div className="scm-note" data-testid="scm-clean">
          No changes. The working tree matches {branchLabel(status)}.
        </div>
      )}
      <ScmGroup
        id="conflicts"
        title="Merge Changes"
        group={status.conflicts}
        selected={selected(false)}
        onOpenDiff={(c) => openFile(c.path)}
        onOpenFile={(c) => openFile(c.path)}
        onMove={move(false)}
      />
      <ScmGroup
        id="staged"
        title="Staged Changes"
        group={status.staged}
        selected={selected(true)}
        onOpenDiff={openDiff(true)}
        onOpenFile={(c) => openFile(c.path)}
        onMove={move(true)}
      />
      <ScmGroup
        id="unstaged"
        title="Changes"
        group={status.unstaged}
        selected={selected(false)}
        onOpenDiff={openDiff(false)}
        onOpenFile={(c) => openFile(c.path)}
        onMove={move(false)}
      />
    </div>
  )
}

/** 'main', or 'a1b2c3d (detached)', or 'a new branch' before the first commit without a name. */
export function branchLabel(st: GitRepoStatus): string {
  if (st.branch) return `"${st.branch}"`
  return st.head ? `${st.head} (detached)` : 'a new branch'
}
