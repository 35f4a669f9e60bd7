import type { ModelTask } from '@shared/contract/models'
import { CommitInput, TokenInput } from '../settings/fields'
import { formatBytes, progressFraction, progressText } from './formatBytes'
import { openGettingStarted } from './gettingStartedEvent'
import { useModelManager, type ModelsApi } from './useModelManager'

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
      <table className="settings-table">
        <tbody>
          {o.catalogue.map((c) => {
            const busy = m.pending.has(c.id)
            const p = m.progress[c.id]
            const frac = progressFraction(p)
            return (
              <tr key={c.id} data-testid={`model-${c.id}`}>
                <td>{TASK_LABEL[c.task]}</td>
                <td title={c.purpose}>
                  {c.title}
                  {recommended.has(c.id) ? ' · recommended' : ''}
                </td>
                <td>{formatBytes(c.sizeBytes)}</td>
                <td>
                  {busy ? (
                    <>
                      <progress max={1} {...(frac !== undefined ? { value: frac } : {})} />{' '}
                      {p ? progressText(p) : 'Starting…'}{' '}
                      <button type="button" onClick={() => m.cancel(c.id)}>
                        Cancel
                      </button>
                    </>
                  ) : c.installed ? (
                    <>
                      {c.task !== 'embedding' && (
                        <button type="button" onClick={() => void m.pull(c.id, true)}>
                          Use for {c.task}
                        </button>
                      )}{' '}
                      <button type="button" onClick={() => m.remove(c.id)}>
                        Remove
                      </button>
                    </>
                  ) : (
                    <button type="button" disabled={o.offline} onClick={() => void m.pull(c.id, false)}>
                      {c.partialBytes > 0 ? `Resume (${formatBytes(c.partialBytes)} kept)` : 'Download'}
                    </button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
