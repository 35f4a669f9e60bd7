import type { EndpointConfig, Settings, Task } from '@shared/settings/schema'

/**
 * One task of the active profile changed for one run (CLI flags, HEARTH_FIM_* variables): served
 * by one endpoint and model, and/or with another deadline.
 */
export interface TaskOverride {
  task: Task
  /** The endpoint and model that serve the task instead of the profile's chain. */
  serve?: { endpoint: EndpointConfig; model: string }
  /** The task's deadline (ms); default: the active profile's. */
  timeoutMs?: number
}

/**
 * The endpoint id an override adds (its token, if any, is stored under it). Ids in settings are
 * lowercase letters, digits, '-' and '_': the leading '.' keeps it apart from every user id.
 */
export const OVERRIDE_ENDPOINT_ID = '.override'

/**
 * The settings with one task of the active profile overridden: flags change the route or its
 * deadline, nothing else. The profile's network rule (offline enforced), health settings and the
 * other tasks stay the user's.
 */
export function withTaskOverride(s: Settings, o: TaskOverride): Settings {
  const profile = s.profiles[s.profile]
  if (!profile) return s
  const route = profile.tasks[o.task]
  const serve = o.serve
  return {
    ...s,
    endpoints: serve ? { ...s.endpoints, [OVERRIDE_ENDPOINT_ID]: serve.endpoint } : s.endpoints,
    profiles: {
      ...s.profiles,
      [s.profile]: {
        ...profile,
        tasks: {
          ...profile.tasks,
          [o.task]: serve
            ? {
                chain: [{ endpoints: [OVERRIDE_ENDPOINT_ID], model: serve.model }],
                timeoutMs: o.timeoutMs ?? route.timeoutMs,
              }
            : { ...route, timeoutMs: o.timeoutMs ?? route.timeoutMs },
        },
      },
    },
  }
}
