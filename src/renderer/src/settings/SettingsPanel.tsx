import type { ReactNode } from 'react'
import { ModelsSection } from '../setup/ModelsSection'
import { BackendsSection } from './BackendsSection'
import { EndpointsSection } from './EndpointsSection'
import { IndexList } from './IndexList'
import { IndexSection } from './IndexSection'
import { ModelStatsSection } from './ModelStatsSection'
import { ProfileSection } from './ProfileSection'
import { ResourcesSection } from './ResourcesSection'
import { RoutesSection } from './RoutesSection'
import { SettingsFiles } from './SettingsFiles'
import { SettingsProblems } from './SettingsProblems'
import { useSettings, type SettingsApi, type SettingsState } from './useSettings'
import './settings.css'

export type { ModelsData, SettingsActions } from './types'

/**
 * Settings: profile, where each task runs (models per tier, balancing), endpoints and their
 * tokens, backend health, per-model stats, the resource policy knobs and what the index takes in. Edits go to the user
 * settings file through `settings.update` (validated in the core; a refusal lists file + key).
 * Tokens are write-only here: the core answers `hasToken`, never the token.
 */
export function SettingsPanel({ api, visible = true }: { api: SettingsApi; visible?: boolean }) {
  const state = useSettings(api, visible)
  return (
    <SettingsView
      {...state}
      modelManager={visible ? <ModelsSection api={api} /> : null}
      indexList={visible ? <IndexList api={api} /> : null}
    />
  )
}

/** What the view renders: the hook's state (or a test's), and the model manager's section. */
export type SettingsViewProps = SettingsState & { modelManager?: ReactNode; indexList?: ReactNode }

/** Presentational half (no I/O), rendered as-is in tests. */
export function SettingsView(p: SettingsViewProps) {
  const { data, actions } = p
  if (!data) return <div className="settings-panel">Loading settings…</div>
  const s = data.effective
  const profileId = s.profile
  const profile = s.profiles[profileId]
  return (
    <div className="settings-panel" data-testid="settings-panel" aria-busy={p.busy}>
      <div className="settings-header">Settings</div>
      <SettingsProblems error={p.error} problems={[...p.problems, ...data.problems]} />
      <ProfileSection profiles={s.profiles} selected={profileId} onSelect={actions.selectProfile} />
      {p.status && <BackendsSection status={p.status} onCheck={actions.check} />}
      {profile && (
        <RoutesSection
          profileId={profileId}
          profile={profile}
          modelLists={p.models?.endpoints}
          onPatch={actions.patch}
        />
      )}
      <EndpointsSection
        endpoints={s.endpoints}
        tokens={data.tokens}
        secretWarning={data.secretStorage.warning}
        modelLists={p.models?.endpoints}
        onPatch={actions.patch}
        onSetToken={actions.setToken}
        onRefreshModels={actions.refreshModels}
      />
      {p.modelManager}
      {p.models && p.models.stats.length > 0 && <ModelStatsSection stats={p.models.stats} />}
      <ResourcesSection
        profileId={profileId}
        profile={profile}
        resources={p.resources}
        limits={s.resources}
        health={s.health}
        onPatch={actions.patch}
        onSetOverrides={actions.setOverrides}
      />
      <IndexSection index={s.index} onPatch={actions.patch} indexList={p.indexList} />
      <SettingsFiles files={data.files} />
    </div>
  )
}
