import { z } from 'zod'
import { method } from './define'
import { RelPath } from './workspace'

/**
 * What the editor window remembers between starts: per folder (tabs, cursor and scroll, layout,
 * recently opened files) and per user (recently run commands, completions paused or off). The
 * core stores it as given, in the data directory, and hands it back; the renderer decides what it
 * means. A convenience, never the user's data: a missing or damaged file is an empty session.
 */

/** Upper bound of one saved state, as JSON text: Monaco view states are small, a runaway list is not. */
export const MAX_SESSION_BYTES = 1_000_000

export const SessionLayout = z.object({
  sidebarVisible: z.boolean(),
  sidebarPanel: z.string().max(100),
  sidebarWidth: z.number().int().min(0).max(10_000),
  /** The panel under the editor (terminals). */
  panelVisible: z.boolean(),
})
export type SessionLayout = z.infer<typeof SessionLayout>

export const WorkspaceSession = z.object({
  /** Open tabs, in order. */
  tabs: z.array(RelPath).max(500),
  active: RelPath.nullable(),
  /** Monaco's view state (cursor, selections, scroll, folding) per open file, opaque to the core. */
  viewStates: z.record(z.string().max(4096), z.unknown()),
  layout: SessionLayout.partial(),
  /** Files opened in this folder, most recent first (quick open lists them first). */
  recentFiles: z.array(RelPath).max(200),
})
export type WorkspaceSession = z.infer<typeof WorkspaceSession>

export const UserState = z.object({
  /** Command ids, most recently run first (the palette lists them first). */
  recentCommands: z.array(z.string().max(200)).max(100),
  /** Inline completions: turned off, or paused until this time (ms since epoch). */
  completions: z.object({ off: z.boolean(), pausedUntil: z.number().nullable() }),
})
export type UserState = z.infer<typeof UserState>

export const sessionMethods = {
  /** The open folder's session (null: none saved, or no folder open) and the user's state. */
  'session.get': method(
    z.object({}),
    z.object({ root: z.string().nullable(), workspace: WorkspaceSession.nullable(), user: UserState }),
  ),
  /**
   * Saves either part. `root` names the folder the workspace part belongs to: the open one or one
   * opened before (a window's last save as another folder opens); any other is dropped
   * (`saved: false`).
   */
  'session.save': method(
    z.object({
      root: z.string().max(4096),
      workspace: WorkspaceSession.optional(),
      user: UserState.optional(),
    }),
    z.object({ saved: z.boolean() }),
  ),
} as const
