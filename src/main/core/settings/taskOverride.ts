import type { EndpointConfig, Settings, Task } from '@shared/settings/schema'

/** One endpoint and model for one task: what CLI flags and HEARTH_FIM_* variables describe. */
export interface TaskOverride {
  task: Task
  endpoint: EndpointConfig
  model: string
  /** The task's deadline (ms); default: the active profile's. */
  timeoutMs?: number
}

/** The endpoint id an override adds (its token, if any, is stored under it). */
export const OVERRIDE_ENDPOINT_ID = 'override'

/**
 * The settings with one task of the active profile served by one endpoint: flags override the
 * route, nothing else. The profile's network rule (offline enforced), health settings and the
 * other tasks stay the user's.
 */
export function withTaskOverride(s: Settings, o: TaskOverride): Settings {
  const profile = s.profiles[s.profile]
  if (!profile) return s
  const route = profile.tasks[o.task]
  return {
    ...s,
    endpoints: { ...s.endpoints, [OVERRIDE_ENDPOINT_ID]: o.endpoint },
    profiles: {
      ...s.profiles,
      [s.profile]: {
        ...profile,
        tasks: {
          ...profile.tasks,
          [o.task]: {
            chain: [{ endpoints: [OVERRIDE_ENDPOINT_ID], model: o.model }],
            timeoutMs: o.timeoutMs ?? route.timeoutMs,
          },
        },
      },
    },
  }
}
