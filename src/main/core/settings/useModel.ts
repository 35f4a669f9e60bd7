import type { Settings, Task } from '@shared/settings/schema'
import type { JsonObject } from './mergePatch'

/**
 * The user-settings patch that makes the active profile's `task` use `model` on `endpointId`
 * first, keeping the rest of its chain as the fallback. The task's size rule names only this model
 * from now on: its small and large models were another backend's, which the new first tier does not
 * serve (a patch's null would only delete the user file's key, and the default rule would show
 * through).
 */
export function useModelPatch(s: Settings, task: Task, endpointId: string, model: string): JsonObject {
  const profile = s.profiles[s.profile]
  if (!profile) throw new Error(`the active profile "${s.profile}" does not exist`)
  const route = profile.tasks[task]
  const rest = route.chain.filter((t) => !(t.endpoints.length === 1 && t.endpoints[0] === endpointId))
  const chain = [{ endpoints: [endpointId], model }, ...rest].slice(0, 8)
  return {
    profiles: {
      [s.profile]: { tasks: { [task]: { chain, rule: { smallModel: model, largeModel: model } } } },
    },
  }
}
