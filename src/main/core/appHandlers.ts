import type { appMethods } from '@shared/contract/app'
import { HearthError } from '@shared/errors'
import type { HandlersFor } from './rpc/handlers'

export interface AppCapabilities {
  /** Present only in the Electron app; the headless server cannot open a browser for a remote user. */
  openExternal?: (url: string) => Promise<void>
}

export function appHandlers(caps: AppCapabilities): HandlersFor<keyof typeof appMethods> {
  return {
    'app.ping': ({ echo }) => ({ echo: echo ?? 'pong', at: Date.now() }),
    'app.openExternal': async ({ url }) => {
      const u = new URL(url)
      // Only https links the user clicked; never file:, javascript:, custom schemes or http.
      if (u.protocol !== 'https:')
        throw new HearthError('forbidden', `only https links can be opened (got ${u.protocol})`)
      if (!caps.openExternal)
        throw new HearthError('unavailable', 'opening links is only available in the desktop app')
      await caps.openExternal(u.toString())
      return { opened: true }
    },
  }
}
