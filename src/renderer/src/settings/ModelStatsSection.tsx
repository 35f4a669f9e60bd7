import type { ModelStats } from '@shared/contract/settings'

/** Requests, errors and latency per endpoint + model; a row's title is its last error. */
export function ModelStatsSection({ stats }: { stats: ModelStats[] }) {
  return (
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
          {stats.map((m) => (
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
  )
}

const ms = (v: number | null): string =>
  v === null ? '—' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`
