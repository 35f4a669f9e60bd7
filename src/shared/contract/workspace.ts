import { z } from 'zod'
import { event, method } from './define'

/** Workspace-relative, `/`-separated path. '' is the root. Guarded again in main. */
export const RelPath = z.string().max(4096)

export const TreeEntry = z.object({
  name: z.string(),
  path: RelPath,
  kind: z.enum(['file', 'dir', 'symlink']),
  size: z.number().int().nonnegative().optional(),
  ignored: z.boolean().optional(),
})
export type TreeEntry = z.infer<typeof TreeEntry>

export const WatcherStatus = z.object({
  status: z.enum(['starting', 'ready', 'degraded', 'stopped']),
  /** Why it is degraded (EMFILE, ENOSPC, symlink loop…), for the status bar. */
  reason: z.string().optional(),
})
export type WatcherStatus = z.infer<typeof WatcherStatus>

export const WorkspaceInfo = z.object({
  root: z.string(),
  name: z.string(),
  /** File watching state: when 'degraded', changes made outside the editor may be missed. */
  watcher: WatcherStatus.optional(),
})
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>

export const Eol = z.enum(['\n', '\r\n'])
export const Encoding = z.enum(['utf8', 'utf8bom'])

export const FileContent = z.object({
  path: RelPath,
  text: z.string(),
  encoding: Encoding,
  eol: Eol,
  /** Opaque version (mtime+size+hash): a save with a stale version is refused with `conflict`. */
  version: z.string(),
  readOnly: z.boolean(),
  /** Why it is read-only (large file, no write permission…), shown to the user. */
  readOnlyReason: z.string().optional(),
  size: z.number().int().nonnegative(),
})
export type FileContent = z.infer<typeof FileContent>

export const SaveResult = z.object({
  path: RelPath,
  version: z.string(),
  size: z.number().int().nonnegative(),
})

export const workspaceMethods = {
  'workspace.info': method(z.object({}), WorkspaceInfo.nullable()),
  'workspace.open': method(z.object({ root: z.string().min(1).max(4096) }), WorkspaceInfo),
  'workspace.recent': method(z.object({}), z.array(z.string())),
  /** Lazy: lists one directory. */
  'workspace.list': method(
    z.object({
      dir: RelPath,
      /** Ignored entries (node_modules, gitignored files) are listed flagged `ignored`; false drops them. */
      includeIgnored: z.boolean().optional(),
    }),
    z.array(TreeEntry),
  ),
  /** Every non-ignored file path (for quick open), capped. */
  'workspace.files': method(
    z.object({ limit: z.number().int().positive().max(200_000).optional() }),
    z.object({ paths: z.array(RelPath), truncated: z.boolean() }),
  ),
  'file.read': method(z.object({ path: RelPath }), FileContent),
  'file.write': method(
    z.object({
      path: RelPath,
      text: z.string(),
      encoding: Encoding,
      eol: Eol,
      /** Version the buffer was based on; omit to overwrite unconditionally. */
      baseVersion: z.string().optional(),
    }),
    SaveResult,
  ),
} as const

export const FileChange = z.object({
  path: RelPath,
  kind: z.enum(['changed', 'created', 'deleted']),
  version: z.string().optional(),
})

export const workspaceEvents = {
  /** A file changed on disk (not by our own save). */
  'file.changed': event(FileChange),
  'workspace.opened': event(WorkspaceInfo),
  /** Folders whose listing changed on disk (entries created/deleted): refresh them if expanded. */
  'workspace.treeChanged': event(z.object({ dirs: z.array(RelPath) })),
  /** The file watcher's state changed (e.g. degraded: inotify limit reached). */
  'workspace.watcher': event(WatcherStatus),
} as const
