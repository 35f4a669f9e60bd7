import type { EndpointModels, SettingsView as SettingsData } from '@shared/contract/settings'
import type { EndpointConfig } from '@shared/settings/schema'
import { STATE_LABEL } from './backendStatusText'
import { CommitInput, TokenInput } from './fields'
import type { SettingsPatch } from './types'

/**
 * Each endpoint: its URL (or, for the embedded engine, its GGUF folder), its write-only token, and
 * what its model list said; plus the secret storage warning and a refresh of the model lists.
 */
export function EndpointsSection({
  endpoints,
  tokens,
  secretWarning,
  modelLists,
  onPatch,
  onSetToken,
  onRefreshModels,
}: {
  endpoints: Record<string, EndpointConfig>
  tokens: SettingsData['tokens']
  secretWarning: string | undefined
  modelLists: EndpointModels[] | undefined
  onPatch: (patch: SettingsPatch) => void
  onSetToken: (endpointId: string, token: string | null) => void
  onRefreshModels: () => void
}) {
  return (
    <section>
      <h3>Endpoints</h3>
      {secretWarning && <div className="settings-warning">{secretWarning}</div>}
      <table className="settings-table">
        <tbody>
          {Object.entries(endpoints).map(([id, e]) => (
            <tr key={id} data-testid={`endpoint-${id}`}>
              <td>
                <strong>{e.label ?? id}</strong>
                <div className="settings-muted">
                  {id} · {e.kind}
                </div>
              </td>
              <td>
                {e.kind === 'embedded' ? (
                  <>
                    <CommitInput
                      value={e.modelsDir ?? ''}
                      placeholder="GGUF folder (default: data dir/models)"
                      onCommit={(v) => onPatch({ endpoints: { [id]: { modelsDir: v || null } } })}
                    />
                    <CommitInput
                      value={e.threads !== undefined ? String(e.threads) : ''}
                      placeholder="CPU threads (default: half the cores, 1 on 2 cores)"
                      onCommit={(v) =>
                        onPatch({
                          endpoints: { [id]: { threads: v === '' ? null : /^\d+$/.test(v) ? Number(v) : v } },
                        })
                      }
                    />
                  </>
                ) : (
                  <CommitInput
                    value={e.url ?? ''}
                    placeholder="http://host:port"
                    onCommit={(v) => onPatch({ endpoints: { [id]: { url: v } } })}
                  />
                )}
              </td>
              <td>
                {e.kind !== 'embedded' && (
                  <TokenInput hasToken={tokens[id]?.hasToken ?? false} onSet={(t) => onSetToken(id, t)} />
                )}
              </td>
              <td className="settings-muted">{modelsSummary(modelLists, id)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={onRefreshModels}>
        Refresh model lists
      </button>
    </section>
  )
}

function modelsSummary(modelLists: EndpointModels[] | undefined, id: string): string {
  const e = modelLists?.find((x) => x.endpointId === id)
  if (!e) return ''
  if (e.error) return `${STATE_LABEL[e.state]}: ${e.error}`
  return `${e.models.length} model${e.models.length === 1 ? '' : 's'}`
}
