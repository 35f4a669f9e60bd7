import { useEffect, useState } from 'react'
import type { CatalogueEntry } from '@shared/contract/models'
import { formatBytes, progressFraction, progressText } from '@shared/format'
import type { ModelManagerState } from './useModelManager'
import './setup.css'

function ProgressRow({
  state,
  spec,
  onCancel,
}: {
  state: ModelManagerState
  spec: string
  onCancel: () => void
}) {
  const p = state.progress[spec]
  const frac = progressFraction(p)
  return (
    <div className="setup-progress" data-testid="setup-progress">
      <progress max={1} {...(frac !== undefined ? { value: frac } : {})} />
      <span className="setup-progress-text">{p ? progressText(p) : 'Starting…'}</span>
      <button type="button" onClick={onCancel} data-testid="setup-cancel">
        Cancel
      </button>
    </div>
  )
}

/**
 * The first thing a fresh install shows: what Hearth does, the model recommended for this machine
 * with one button that downloads it and makes completions use it, and the other ways in (a running
 * Ollama, a server configured in Settings, or later).
 */
export function GettingStarted({ state, onClose }: { state: ModelManagerState; onClose: () => void }) {
  const { overview: o } = state
  const [finished, setFinished] = useState<string>()
  // Escape leaves the page like "I'll do it later" (a download already started goes on; Settings ▸
  // Models shows it): a page over the whole window must not need the mouse to get past. Caught
  // before the editor beneath, which may still hold the focus, can take the key for itself.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      // A picker opened over the page (the palette) takes its own Escape.
      if (e.key !== 'Escape' || document.querySelector('[data-testid="quickopen"]')) return
      e.preventDefault()
      e.stopPropagation()
      void state.setSetupDone(true).finally(onClose)
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [state, onClose])
  if (!o) return null
  const rec = o.recommended.find((r) => r.task === 'completion')
  const entry: CatalogueEntry | undefined = o.catalogue.find((c) => c.id === rec?.id)
  const close = (): void => {
    void state.setSetupDone(true).finally(onClose)
  }
  const downloading = entry ? state.pending.has(entry.id) : false
  const ollamaModel = entry?.ollama ?? null
  const ollamaHas =
    ollamaModel !== null && o.ollama.models.some((m) => m === ollamaModel || m === `${ollamaModel}:latest`)
  const ollamaPending = ollamaModel !== null && state.pending.has(`ollama:${ollamaModel}`)

  return (
    <div className="setup-page" data-testid="getting-started">
      <div className="setup">
        <h1>Welcome to Hearth</h1>
        <p className="setup-lead">
          Code completions as you type, search that understands your code, and a model that runs on this
          machine: nothing leaves it unless you connect a server.
        </p>
        {finished ? (
          <div className="setup-card setup-ready" data-testid="setup-ready">
            <h2>Ready</h2>
            <p>
              Completions now use {finished}. Open a file and start typing: suggestions appear as grey text;
              Tab accepts.
            </p>
            <button type="button" className="primary" onClick={close} data-testid="setup-start">
              Start coding
            </button>
          </div>
        ) : (
          <>
            {o.completionRoute && (
              <div className="setup-card" data-testid="setup-working">
                <p>
                  Completions already work: <strong>{o.completionRoute}</strong>.
                </p>
                <button type="button" className="primary" onClick={close}>
                  Start coding
                </button>
              </div>
            )}
            {entry && rec && (
              <div className="setup-card" data-testid="setup-recommended">
                <h2>Recommended for this machine</h2>
                <p>
                  <strong>{entry.title}</strong> · {formatBytes(entry.sizeBytes)} download
                </p>
                {/* The reason starts with this machine's cores, memory and GPU: no separate line for them. */}
                <p className="muted">{rec.why}</p>
                {o.offline ? (
                  <p className="setup-note" data-testid="setup-offline">
                    The offline profile allows no downloads. Copy a .gguf file into {o.modelsDir}, or switch
                    to the laptop profile in Settings.
                  </p>
                ) : downloading ? (
                  <ProgressRow state={state} spec={entry.id} onCancel={() => state.cancel(entry.id)} />
                ) : (
                  <button
                    type="button"
                    className="primary"
                    data-testid="setup-download"
                    onClick={() =>
                      void state
                        .pull(entry.id, true)
                        .then((ok) => ok && setFinished(`${entry.title} on this machine`))
                    }
                  >
                    {entry.installed
                      ? `Use ${entry.title}`
                      : `${entry.partialBytes > 0 ? 'Resume' : 'Download'} and use ${entry.title}`}
                  </button>
                )}
                <p className="muted setup-small">
                  From Hugging Face ({o.hubEndpoint}), checked against its sha256, into {o.modelsDir}.
                </p>
              </div>
            )}
            {state.error && (
              <div className="form-error" role="alert" data-testid="setup-error">
                {state.error}
              </div>
            )}
            <div className="setup-card">
              <h2>Or</h2>
              <ul className="setup-alternatives">
                <li data-testid="setup-ollama">
                  {!o.ollama.reachable ? (
                    <>
                      Ollama: not running at {o.ollama.url}. Install it from ollama.com and come back to use
                      it.
                    </>
                  ) : ollamaModel && !o.offline ? (
                    ollamaPending ? (
                      <ProgressRow
                        state={state}
                        spec={`ollama:${ollamaModel}`}
                        onCancel={() => state.cancel(`ollama:${ollamaModel}`)}
                      />
                    ) : (
                      <button
                        type="button"
                        className="link"
                        onClick={() =>
                          void state
                            .pullOllama(ollamaModel, true)
                            .then((ok) => ok && setFinished(`${ollamaModel} in Ollama`))
                        }
                      >
                        {ollamaHas
                          ? `Use ${ollamaModel} from Ollama`
                          : `Pull ${ollamaModel} into Ollama and use it`}
                      </button>
                    )
                  ) : (
                    <>
                      Ollama is running at {o.ollama.url} ({o.ollama.models.length} models).
                    </>
                  )}
                </li>
                <li>
                  A DGX, vLLM or llama.cpp server: add its URL under Settings ▸ Endpoints and pick the remote
                  profile.
                </li>
                <li>
                  <button type="button" className="link" onClick={close} data-testid="setup-later">
                    I’ll do it later <kbd>Esc</kbd>
                  </button>
                </li>
              </ul>
            </div>
          </>
        )}
      </div>
    </div>
  )
}
