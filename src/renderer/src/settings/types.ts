import type { ResourceOverrides } from '@shared/contract/resources'
import type { EndpointModels, ModelStats } from '@shared/contract/settings'

/** RFC 7396 merge patch on the user settings file (validated in the core). */
export type SettingsPatch = Record<string, unknown>

/** What `models.list` answers: each endpoint's model list, and per-model request stats. */
export interface ModelsData {
  endpoints: EndpointModels[]
  stats: ModelStats[]
}

/** Everything the panel can ask the core to do; each call marks the panel busy until it settles. */
export interface SettingsActions {
  selectProfile: (id: string) => void
  /** RFC 7396 merge patch on the user settings file. */
  patch: (patch: SettingsPatch) => void
  setToken: (endpointId: string, token: string | null) => void
  check: () => void
  refreshModels: () => void
  setOverrides: (o: Partial<ResourceOverrides>) => void
}
