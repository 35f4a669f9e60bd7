import { useCallback, useEffect, useState, type KeyboardEvent } from 'react'
import type { HearthApi } from '@shared/contract'
import type { ResourceOverrides, ResourceState } from '@shared/contract/resources'
import type {
  BackendsStatus,
  EndpointModels,
  ModelStats,
  SettingsView as SettingsData,
} from '@shared/contract/settings'
import type { SettingsProblem, Task, TaskRoute, Tier } from '@shared/settings/schema'
import { BALANCING, TASKS } from '@shared/settings/schema'
import { STATE_LABEL, stateTone } from './backendStatusText'
import './settings.css'

type Api = Pick<HearthApi, 'call' | 'on'>
type Patch = Record<string, unknown>

export interface ModelsData {
  endpoints: EndpointModels[]
  stats: ModelStats[]
}

/**
 * Settings: profile, where each task runs (models per tier, balancing), endpoints and their
 * tokens, backend health, per-model stats, and the resource policy knobs. Edits go to the user
 * settings file through `settings.update` (validated in the core; a refusal lists file + key).
 * Tokens are write-only here: the core answers `hasToken`, never the token.
 */
export function SettingsPanel({ api, visible = true }: { api: Api; visible?: boolean }) {
  const [data, setData] = useState<SettingsData>()
  const [status, setStatus] = useState<BackendsStatus>()
  const [models, setModels] = useState<ModelsData>()
  const [resources, setResources] = useState<ResourceState>()
  const [error, setError] = useState<string>()
  const [problems, setProblems] = useState<SettingsProblem[]>([])
  const [busy, setBusy] = useState(false)

  const fail = useCallback((e: unknown) => {
    setError(e instanceof Error ? e.message : String(e))
    const details = (e as { details?: { problems?: SettingsProblem[] } }).details
    setProblems(details?.problems ?? [])
  }, [])
  const ok = (): void => {
    setError(undefined)
    setProblems([])
  }

  useEffect(() => {
    const offs = [
      api.on('settings.changed', setData),
      api.on('backends.status', setStatus),
      api.on('resources.state', setResources),
    ]
    api.call('settings.get', {}).then(setData, fail)
    api.call('backends.status', {}).then(setStatus, () => undefined)
    api.call('resources.state', {}).then(setResources, () => undefined)
    return () => offs.forEach((off) => off())
  }, [api, fail])

  const refreshModels = useCallback(() => {
    api.call('models.list', {}).then(setModels, fail)
  }, [api, fail])
  useEffect(() => {
    if (visible) refreshModels()
  }, [visible, refreshModels])

  const run = (p: Promise<unknown>): void => {
    setBusy(true)
    p.then(ok, fail).finally(() => setBusy(false))
  }
  const actions: SettingsActions = {
    selectProfile: (id) => run(api.call('profiles.select', { id })),
    patch: (patch) => run(api.call('settings.update', { scope: 'user', patch }).then(setData)),
    // Storing a token changes no settings file, so no settings.changed event: re-read `hasToken`.
    setToken: (endpointId, token) =>
      run(
        api
          .call('settings.setToken', { endpointId, token })
          .then(() => api.call('settings.get', {}))
          .then(setData),
      ),
    check: () => run(api.call('backends.check', {}).then(setStatus)),
    refreshModels,
    setOverrides: (o) => run(api.call('resources.setOverrides', o).then(setResources)),
  }
  return (
    <SettingsView
      data={data}
      status={status}
      models={models}
      resources={resources}
      error={error}
      problems={problems}
      busy={busy}
      actions={actions}
    />
  )
}

export interface SettingsActions {
  selectProfile: (id: string) => void
  /** RFC 7396 merge patch on the user settings file. */
  patch: (patch: Patch) => void
  setToken: (endpointId: string, token: string | null) => void
  check: () => void
  refreshModels: () => void
  setOverrides: (o: Partial<ResourceOverrides>) => void
}

export interface SettingsViewProps {
  data: SettingsData | undefined
  status: BackendsStatus | undefined
  models: ModelsData | undefined
  resources: ResourceState | undefined
  error: string | undefined
  problems: SettingsProblem[]
  busy: boolean
  actions: SettingsActions
}

/** Presentational half (no I/O), rendered as-is in tests. */
export function SettingsView(p: SettingsViewProps) {
  const { data, actions } = p
  if (!data) return <div className="settings-panel">Loading settings…</div>
  const s = data.effective
  const profileId = s.profile
  const profile = s.profiles[profileId]
  const allProblems = [...p.problems, ...data.problems]
  return (
    <div className="settings-panel" data-testid="settings-panel" aria-busy={p.busy}>
      <div className="settings-header">Settings</div>
      {p.error && (
        <div className="settings-error" role="alert">
          {p.error}
        </div>
      )}
      {allProblems.length > 0 && (
        <ul className="settings-problems" data-testid="settings-problems">
          {allProblems.map((pr, i) => (
            <li key={i} className={`settings-problem-${pr.severity}`}>
              <code>{pr.file}</code>
              {pr.key && (
                <>
                  {' '}
                  → <code>{pr.key}</code>
                </>
              )}
              : {pr.message}
            </li>
          ))}
        </ul>
      )}

      <section>
        <h3>Profile</h3>
        {Object.entries(s.profiles).map(([id, pr]) => (
          <label key={id} className="settings-profile" data-testid={`profile-${id}`}>
            <input
              type="radio"
              name="hearth-profile"
              checked={id === profileId}
              onChange={() => actions.selectProfile(id)}
            />
            <span className="settings-profile-label">{pr.label}</span>
            {pr.network === 'loopback-only' && (
              <span className="settings-badge">offline · loopback only</span>
            )}
            <div className="settings-muted">{pr.description}</div>
          </label>
        ))}
      </section>

      {p.status && <StatusSection status={p.status} onCheck={actions.check} />}

      {profile && (
        <section>
          <h3>Models for “{profile.label}”</h3>
          <div className="settings-row">
            <label>
              Balancing{' '}
              <select
                value={profile.balancing}
                onChange={(e) => actions.patch({ profiles: { [profileId]: { balancing: e.target.value } } })}
              >
                {BALANCING.map((b) => (
                  <option key={b} value={b}>
                    {b === 'resource' ? 'resource-based (latency + GPU load)' : b}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {TASKS.map((task) => (
            <TaskEditor
              key={task}
              task={task}
              route={profile.tasks[task]}
              onChain={(chain) =>
                actions.patch({ profiles: { [profileId]: { tasks: { [task]: { chain } } } } })
              }
            />
          ))}
          {p.models?.endpoints.map((e) => (
            <datalist key={e.endpointId} id={`hearth-models-${e.endpointId}`}>
              {e.models.map((m) => (
                <option key={m.name} value={m.name} />
              ))}
            </datalist>
          ))}
        </section>
      )}

      <section>
        <h3>Endpoints</h3>
        {data.secretStorage.warning && <div className="settings-warning">{data.secretStorage.warning}</div>}
        <table className="settings-table">
          <tbody>
            {Object.entries(s.endpoints).map(([id, e]) => (
              <tr key={id} data-testid={`endpoint-${id}`}>
                <td>
                  <strong>{e.label ?? id}</strong>
                  <div className="settings-muted">
                    {id} · {e.kind}
                  </div>
                </td>
                <td>
                  {e.kind === 'embedded' ? (
                    <CommitInput
                      value={e.modelsDir ?? ''}
                      placeholder="GGUF folder (default: data dir/models)"
                      onCommit={(v) => actions.patch({ endpoints: { [id]: { modelsDir: v || null } } })}
                    />
                  ) : (
                    <CommitInput
                      value={e.url ?? ''}
                      placeholder="http://host:port"
                      onCommit={(v) => actions.patch({ endpoints: { [id]: { url: v } } })}
                    />
                  )}
                </td>
                <td>
                  {e.kind !== 'embedded' && (
                    <TokenInput
                      hasToken={data.tokens[id]?.hasToken ?? false}
                      onSet={(t) => actions.setToken(id, t)}
                    />
                  )}
                </td>
                <td className="settings-muted">{modelsSummary(p.models, id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={actions.refreshModels}>
          Refresh model lists
        </button>
      </section>

      {p.models && p.models.stats.length > 0 && (
        <section>
          <h3>Per-model stats</h3>
          <table className="settings-table settings-stats" data-testid="settings-stats">
            <thead>
              <tr>
                <th>endpoint</th>
                <th>model</th>
                <th>requests</th>
                <th>errors</th>
                <th>p50</th>
                <th>p95</th>
              </tr>
            </thead>
            <tbody>
              {p.models.stats.map((m) => (
                <tr key={`${m.endpointId}/${m.model}`} title={m.lastError}>
                  <td>{m.endpointId}</td>
                  <td>{m.model}</td>
                  <td>{m.requests}</td>
                  <td>{m.errors}</td>
                  <td>{ms(m.p50Ms)}</td>
                  <td>{ms(m.p95Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section>
        <h3>Resource policy</h3>
        {profile && (
          <div className="settings-row">
            <label>
              Battery saver ({profile.label}){' '}
              <select
                value={profile.batterySaver}
                onChange={(e) =>
                  actions.patch({ profiles: { [profileId]: { batterySaver: e.target.value } } })
                }
              >
                <option value="auto">auto (slow down on battery)</option>
                <option value="on">always</option>
                <option value="off">off</option>
              </select>
            </label>
          </div>
        )}
        {p.resources && (
          <div className="settings-row">
            <label>
              <input
                type="checkbox"
                checked={p.resources.overrides.pauseIndexing}
                onChange={(e) => actions.setOverrides({ pauseIndexing: e.target.checked })}
              />{' '}
              Pause indexing
            </label>{' '}
            <span className="settings-muted">now: {p.resources.reason}</span>
          </div>
        )}
        <NumberSetting
          label="Stop background work below battery %"
          value={s.resources.lowBatteryPercent}
          onCommit={(v) => actions.patch({ resources: { lowBatteryPercent: v } })}
          hint="applies at next start"
        />
        <NumberSetting
          label="Avoid endpoints whose GPU is busier than %"
          value={s.resources.gpuBusyPercent}
          onCommit={(v) => actions.patch({ resources: { gpuBusyPercent: v } })}
        />
        <NumberSetting
          label="Health check every (ms)"
          value={s.health.intervalMs}
          onCommit={(v) => actions.patch({ health: { intervalMs: v } })}
        />
        <NumberSetting
          label="Slow above (ms)"
          value={s.health.slowMs}
          onCommit={(v) => actions.patch({ health: { slowMs: v } })}
        />
        <NumberSetting
          label="Open the circuit after failures"
          value={s.health.failureThreshold}
          onCommit={(v) => actions.patch({ health: { failureThreshold: v } })}
        />
      </section>
      <div className="settings-muted settings-files">
        User settings: <code>{data.files.user}</code>
        {data.files.workspace && (
          <>
            {' '}
            · workspace: <code>{data.files.workspace}</code>
          </>
        )}
      </div>
    </div>
  )
}

function StatusSection({ status, onCheck }: { status: BackendsStatus; onCheck: () => void }) {
  return (
    <section data-testid="settings-status">
      <h3>
        Backends{' '}
        <button type="button" onClick={onCheck}>
          Check now
        </button>
      </h3>
      <table className="settings-table">
        <tbody>
          {status.tasks.map((t) => (
            <tr key={t.task}>
              <td>{t.task}</td>
              <td>
                {t.endpointId ? (
                  <>
                    {t.endpointId} · {t.model}
                    {t.fallback && <span className="settings-badge settings-warn">fallback</span>}
                  </>
                ) : (
                  <span className="settings-bad">none: {t.reason}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="settings-table">
        <tbody>
          {status.endpoints.map((e) => (
            <tr key={e.id} data-testid={`backend-${e.id}`}>
              <td>
                <span className={`settings-dot settings-${stateTone(e.state)}`} /> {e.id}
              </td>
              <td>
                {STATE_LABEL[e.state]}
                {e.breaker !== 'closed' && (
                  <span className="settings-badge">circuit {e.breaker.replace('_', '-')}</span>
                )}
                <div className="settings-muted">{e.message}</div>
                {e.fix && (
                  <div>
                    fix: <code className="settings-fix">{e.fix}</code>
                  </div>
                )}
              </td>
              <td className="settings-muted">
                {e.latencyP50Ms !== null ? `${Math.round(e.latencyP50Ms)} ms` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function TaskEditor({
  task,
  route,
  onChain,
}: {
  task: Task
  route: TaskRoute
  onChain: (chain: Tier[]) => void
}) {
  return (
    <div className="settings-task" data-testid={`task-${task}`}>
      <div className="settings-task-name">{task}</div>
      <ol>
        {route.chain.map((tier, i) => (
          <li key={i}>
            {tier.endpoints.join(' + ')} →{' '}
            <CommitInput
              value={tier.model}
              list={tier.endpoints[0] ? `hearth-models-${tier.endpoints[0]}` : undefined}
              onCommit={(model) => onChain(route.chain.map((t, j) => (j === i ? { ...t, model } : t)))}
            />
            {i > 0 && <span className="settings-muted"> (fallback)</span>}
          </li>
        ))}
      </ol>
      {route.rule && (
        <div className="settings-muted">
          size rule: small {route.rule.smallModel ?? '—'} below {route.rule.smallBelow}, large{' '}
          {route.rule.largeModel ?? '—'} above {route.rule.largeAbove}
          {route.rule.respectLatencyBudget ? ', within the latency budget' : ''}
        </div>
      )}
    </div>
  )
}

/** Commits on Enter or blur, only when the text changed; re-keyed when the saved value changes. */
function CommitInput(props: {
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

function NumberSetting(props: {
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
function TokenInput({ hasToken, onSet }: { hasToken: boolean; onSet: (t: string | null) => void }) {
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

const ms = (v: number | null): string =>
  v === null ? '—' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`

function modelsSummary(models: ModelsData | undefined, id: string): string {
  const e = models?.endpoints.find((x) => x.endpointId === id)
  if (!e) return ''
  if (e.error) return `${STATE_LABEL[e.state]}: ${e.error}`
  return `${e.models.length} model${e.models.length === 1 ? '' : 's'}`
}
