import { z } from 'zod'
import { event, method } from './define'

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

export const appEvents = {
  /**
   * The desktop menu (File > Open Folder / Open Recent) asks the renderer to open a folder: the
   * renderer owns the unsaved buffers, so it decides (and warns) before the workspace switches.
   */
  'app.openFolderRequested': event(z.object({ root: z.string().min(1).max(4096) })),
} as const
