import type { ModelTask } from '@shared/contract/models'
import { CommitInput, TokenInput } from '../settings/fields'
import { formatBytes, progressFraction, progressText } from '@shared/format'
import { openGettingStarted } from './gettingStartedEvent'
import { useModelManager, type ModelsApi } from './useModelManager'
import './setup.css'

const TASK_LABEL: Record<ModelTask, string> = {
  completion: 'Completion',
  chat: 'Chat',
  embedding: 'Embeddings',
}

/** Settings ▸ Models: the catalogue with what is installed, downloads with progress, removal. */
export function ModelsSection({ api }: { api: ModelsApi }) {
  const m = useModelManager(api)
  const o = m.overview
  if (!o) return null
  const recommended = new Set(o.recommended.map((r) => r.id))
  return (
    <section data-testid="settings-models">
      <h3>Models</h3>
      <p className="settings-muted">
        Downloaded into {o.modelsDir} from {o.hubEndpoint}
        {o.offline ? ' — downloads are off in the offline profile' : ''}.{' '}
        <button type="button" className="link" onClick={openGettingStarted}>
          Getting started…
        </button>
      </p>
      <div className="settings-row">
        <label>
          Hugging Face mirror{' '}
          <CommitInput
            value={o.hubEndpointSetting}
            placeholder="https://huggingface.co (or HF_ENDPOINT)"
            onCommit={(v) =>
              void api
                .call('settings.update', { scope: 'user', patch: { models: { hubEndpoint: v } } })
                .then(m.refresh, (e: unknown) => m.fail(e))
            }
          />
        </label>
      </div>
      <div className="settings-row">
        <label>
          Hugging Face token (gated models){' '}
          <TokenInput
            hasToken={o.hasHubToken}
            onSet={(t) =>
              void api.call('models.setHubToken', { token: t }).then(m.refresh, (e: unknown) => m.fail(e))
            }
          />
        </label>
      </div>
      {m.error && (
        <div className="form-error" role="alert">
          {m.error}
        </div>
      )}
      {(['completion', 'chat', 'embedding'] as const).map((task) => (
        <div key={task} className="models-group">
          <div className="models-task">{TASK_LABEL[task]}</div>
          {o.catalogue
            .filter((c) => c.task === task)
            .map((c) => {
              const busy = m.pending.has(c.id)
              const p = m.progress[c.id]
              const frac = progressFraction(p)
              return (
                <div key={c.id} className="models-entry" data-testid={`model-${c.id}`} title={c.purpose}>
                  <div>
                    {c.title}
                    <span className="settings-muted">
                      {' '}
                      · {formatBytes(c.sizeBytes)}
                      {recommended.has(c.id) ? ' · recommended' : ''}
                      {c.installed ? ' · installed' : ''}
                    </span>
                  </div>
                  <div className="models-actions">
                    {busy ? (
                      <>
                        <progress max={1} {...(frac !== undefined ? { value: frac } : {})} />{' '}
                        <span className="settings-muted">{p ? progressText(p) : 'Starting…'}</span>{' '}
                        <button type="button" onClick={() => m.cancel(c.id)}>
                          Cancel
                        </button>
                      </>
                    ) : c.installed ? (
                      <>
                        <button type="button" onClick={() => void m.pull(c.id, true)}>
                          Use for {c.task === 'embedding' ? 'search' : c.task}
                        </button>{' '}
                        <button type="button" onClick={() => m.remove(c.id)}>
                          Remove
                        </button>
                      </>
                    ) : (
                      <button type="button" disabled={o.offline} onClick={() => void m.pull(c.id, false)}>
                        {c.partialBytes > 0 ? `Resume (${formatBytes(c.partialBytes)} kept)` : 'Download'}
                      </button>
                    )}
                  </div>
                </div>
              )
            })}
        </div>
      ))}
    </section>
  )
}
