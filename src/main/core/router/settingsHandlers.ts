import type { ProfilesList } from '@shared/contract/settings'
import type { settingsMethods } from '@shared/contract/settings'
import { HearthError } from '@shared/errors'
import type { RoutingServices } from './routingServices'
import type { HandlersFor } from '../rpc/handlers'

function profilesList(r: RoutingServices): ProfilesList {
  const s = r.settings.settings
  return {
    active: s.profile,
    profiles: Object.entries(s.profiles).map(([id, p]) => ({
      id,
      label: p.label,
      description: p.description,
      network: p.network,
      balancing: p.balancing,
    })),
  }
}

/** settings.*, profiles.*, models.list, backends.*: tokens go in, never out. */
export function settingsHandlers(r: RoutingServices): HandlersFor<keyof typeof settingsMethods> {
  return {
    'settings.get': () => r.view(),
    'settings.update': async ({ scope, patch }) => {
      await r.settings.update(scope, patch)
      return r.view()
    },
    'settings.setToken': async ({ endpointId, token }) => {
      const e = r.settings.settings.endpoints[endpointId]
      if (!e) throw new HearthError('not_found', `no endpoint "${endpointId}"`)
      if (token === null) await r.tokens.clear(endpointId)
      else await r.tokens.set(endpointId, e.url, token)
      r.router.tokenChanged(endpointId)
      const warning = r.tokens.warning
      return {
        hasToken: r.tokens.hasToken(endpointId),
        persistent: r.tokens.persistent,
        ...(warning ? { warning } : {}),
      }
    },
    'profiles.list': () => profilesList(r),
    'profiles.select': async ({ id }) => {
      const s = r.settings.settings
      if (!Object.hasOwn(s.profiles, id)) {
        throw new HearthError(
          'not_found',
          `no profile "${id}" (profiles: ${Object.keys(s.profiles).join(', ')})`,
        )
      }
      const ws = r.settings.raw('workspace')
      if (ws && Object.hasOwn(ws, 'profile') && ws.profile !== id) {
        throw new HearthError(
          'conflict',
          `this workspace's settings (${r.settings.files.workspace ?? ''}) select "${String(ws.profile)}"; change it there`,
        )
      }
      await r.settings.update('user', { profile: id })
      return profilesList(r)
    },
    'models.list': async ({ endpointId }) => ({
      endpoints: await r.router.listModels(endpointId),
      stats: r.router.stats.list(),
    }),
    'backends.status': () => r.router.status(),
    'backends.check': () => r.router.checkAll(),
  }
}
