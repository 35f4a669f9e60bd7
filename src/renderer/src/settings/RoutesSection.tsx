import type { EndpointModels } from '@shared/contract/settings'
import type { Profile, Task, TaskRoute, Tier } from '@shared/settings/schema'
import { BALANCING, TASKS } from '@shared/settings/schema'
import { CommitInput } from './fields'
import type { SettingsPatch } from './types'

/**
 * Where each task of the active profile runs: the balancing strategy, and each task's fallback
 * chain with a model picker per tier (fed by the endpoints' model lists).
 */
export function RoutesSection({
  profileId,
  profile,
  modelLists,
  onPatch,
}: {
  profileId: string
  profile: Profile
  modelLists: EndpointModels[] | undefined
  onPatch: (patch: SettingsPatch) => void
}) {
  return (
    <section>
      <h3>Models for “{profile.label}”</h3>
      <div className="settings-row">
        <label>
          Balancing{' '}
          <select
            value={profile.balancing}
            onChange={(e) => onPatch({ profiles: { [profileId]: { balancing: e.target.value } } })}
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
          onChain={(chain) => onPatch({ profiles: { [profileId]: { tasks: { [task]: { chain } } } } })}
        />
      ))}
      {modelLists?.map((e) => (
        <datalist key={e.endpointId} id={modelListId(e.endpointId)}>
          {e.models.map((m) => (
            <option key={m.name} value={m.name} />
          ))}
        </datalist>
      ))}
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
              list={tier.endpoints[0] ? modelListId(tier.endpoints[0]) : undefined}
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

const modelListId = (endpointId: string): string => `hearth-models-${endpointId}`
