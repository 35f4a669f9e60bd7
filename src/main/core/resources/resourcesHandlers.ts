import type { metricsMethods } from '@shared/contract/metrics'
import type { resourcesMethods } from '@shared/contract/resources'
import type { HearthMetrics } from '../metrics/hearthMetrics'
import type { HandlersFor } from '../rpc/handlers'
import type { ResourceController } from './resourceController'

export function resourcesHandlers(
  controller: ResourceController,
  metrics: HearthMetrics,
): HandlersFor<keyof typeof resourcesMethods | keyof typeof metricsMethods> {
  return {
    'resources.state': () => controller.state(),
    'resources.setOverrides': (patch) => controller.setOverrides(patch),
    'metrics.snapshot': ({ historyPoints }) => metrics.snapshot(historyPoints ?? 60),
  }
}
