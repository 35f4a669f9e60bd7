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

/** What a rename or delete acted on: links are moved and deleted as links, never followed. */
export const EntryKind = z.enum(['file', 'dir', 'symlink'])

export const DeleteResult = z.object({
  path: RelPath,
  kind: EntryKind,
  /** trashed: in the OS trash; deleted: gone for good (asked for); noTrash: nothing done, see reason. */
  outcome: z.enum(['trashed', 'deleted', 'noTrash']),
  reason: z.string().optional(),
})
export type DeleteResult = z.infer<typeof DeleteResult>

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
  /** Creates an empty file or a folder; refused (`conflict`) when the name is taken. */
  'file.create': method(
    z.object({ path: RelPath, kind: z.enum(['file', 'dir']) }),
    z.object({ path: RelPath, kind: z.enum(['file', 'dir']) }),
  ),
  /**
   * Renames or moves a file or folder (`to` is the full new path). Never overwrites: an existing
   * `to` is a `conflict`; a folder into itself is refused. Links are moved as links.
   */
  'file.rename': method(
    z.object({ from: RelPath, to: RelPath }),
    z.object({ from: RelPath, to: RelPath, kind: EntryKind }),
  ),
  /**
   * Moves a file or folder to the OS trash. Where there is no usable trash the answer is `noTrash`
   * (nothing was deleted) and the caller may ask again with `permanent`.
   */
  'file.delete': method(z.object({ path: RelPath, permanent: z.boolean().optional() }), DeleteResult),
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
  /** A file or folder was renamed or moved through Hearth: open editors under `from` follow it. */
  'workspace.moved': event(z.object({ from: RelPath, to: RelPath, kind: EntryKind })),
  /** A file or folder was deleted (or trashed) through Hearth: editors under it close or warn. */
  'workspace.deleted': event(z.object({ path: RelPath, kind: EntryKind })),
  /** The file watcher's state changed (e.g. degraded: inotify limit reached). */
  'workspace.watcher': event(WatcherStatus),
} as const
