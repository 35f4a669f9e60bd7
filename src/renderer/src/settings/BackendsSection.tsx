import type { BackendsStatus } from '@shared/contract/settings'
import { STATE_LABEL, stateTone } from './backendStatusText'

/** Where each task goes now (or why nowhere), and each endpoint's health, circuit, fix and latency. */
export function BackendsSection({ status, onCheck }: { status: BackendsStatus; onCheck: () => void }) {
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
