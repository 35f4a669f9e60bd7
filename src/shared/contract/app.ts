import { z } from 'zod'
import { method } from './define'

export const appMethods = {
  'app.ping': method(
    z.object({ echo: z.string().max(1000).optional() }),
    z.object({ echo: z.string(), at: z.number() }),
  ),
  /** Opens an https URL the user clicked, in the system browser (Electron only). */
  'app.openExternal': method(
    z.object({ url: z.string().url().max(2048) }),
    z.object({ opened: z.boolean() }),
  ),
} as const
