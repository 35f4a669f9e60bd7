import type { ResourceOverrides, ResourceState } from '@shared/contract/resources'
import type { HealthSettings, Profile, ResourceSettings } from '@shared/settings/schema'
import { NumberSetting } from './fields'
import type { SettingsPatch } from './types'

/**
 * The resource policy's knobs: the active profile's battery saver, the live "pause indexing"
 * override (with why background work is slowed now), and the battery, GPU and health thresholds.
 */
export function ResourcesSection({
  profileId,
  profile,
  resources,
  limits,
  health,
  onPatch,
  onSetOverrides,
}: {
  profileId: string
  profile: Profile | undefined
  resources: ResourceState | undefined
  limits: ResourceSettings
  health: HealthSettings
  onPatch: (patch: SettingsPatch) => void
  onSetOverrides: (o: Partial<ResourceOverrides>) => void
}) {
  return (
    <section>
      <h3>Resource policy</h3>
      {profile && (
        <div className="settings-row">
          <label>
            Battery saver ({profile.label}){' '}
            <select
              value={profile.batterySaver}
              onChange={(e) => onPatch({ profiles: { [profileId]: { batterySaver: e.target.value } } })}
            >
              <option value="auto">auto (slow down on battery)</option>
              <option value="on">always</option>
              <option value="off">off</option>
            </select>
          </label>
        </div>
      )}
      {resources && (
        <div className="settings-row">
          <label>
            <input
              type="checkbox"
              checked={resources.overrides.pauseIndexing}
              onChange={(e) => onSetOverrides({ pauseIndexing: e.target.checked })}
            />{' '}
            Pause indexing
          </label>{' '}
          <span className="settings-muted">now: {resources.reason}</span>
        </div>
      )}
      <NumberSetting
        label="Stop background work below battery %"
        value={limits.lowBatteryPercent}
        onCommit={(v) => onPatch({ resources: { lowBatteryPercent: v } })}
        hint="applies at next start"
      />
      <NumberSetting
        label="Avoid endpoints whose GPU is busier than %"
        value={limits.gpuBusyPercent}
        onCommit={(v) => onPatch({ resources: { gpuBusyPercent: v } })}
      />
      <NumberSetting
        label="Health check every (ms)"
        value={health.intervalMs}
        onCommit={(v) => onPatch({ health: { intervalMs: v } })}
      />
      <NumberSetting
        label="Slow above (ms)"
        value={health.slowMs}
        onCommit={(v) => onPatch({ health: { slowMs: v } })}
      />
      <NumberSetting
        label="Open the circuit after failures"
        value={health.failureThreshold}
        onCommit={(v) => onPatch({ health: { failureThreshold: v } })}
      />
    </section>
  )
}
