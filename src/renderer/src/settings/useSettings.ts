import { useCallback, useEffect, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { ResourceState } from '@shared/contract/resources'
import type { BackendsStatus, SettingsView as SettingsData } from '@shared/contract/settings'
import type { SettingsProblem } from '@shared/settings/schema'
import type { ModelsData, SettingsActions } from './types'

export type SettingsApi = Pick<HearthApi, 'call' | 'on'>

export interface SettingsState {
  data: SettingsData | undefined
  status: BackendsStatus | undefined
  models: ModelsData | undefined
  resources: ResourceState | undefined
  /** The last refused or failed call's message (cleared by the next one that succeeds). */
  error: string | undefined
  /** The file + key problems a refused `settings.update` listed. */
  problems: SettingsProblem[]
  busy: boolean
  actions: SettingsActions
}

/**
 * The panel's data: settings, backend status and resource state (read once, then kept current by
 * the core's events), model lists (re-read each time the panel is shown), and the actions that
 * edit them. Errors land in `error`/`problems`; nothing here renders.
 */
export function useSettings(api: SettingsApi, visible: boolean): SettingsState {
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
  return { data, status, models, resources, error, problems, busy, actions }
}
