import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { languageMethods, ProjectSources, SourceFile } from '@shared/contract/language'
import type { HandlersFor } from '../rpc/handlers'
import type { WorkspaceService } from './workspaceService'

export interface SourcesRequest {
  extensions: readonly string[]
  includeTypes?: boolean
  maxFiles?: number
  maxBytes?: number
  maxFileBytes?: number
}

/** Defaults sized for Monaco's TypeScript worker: a few thousand files parse in a second or two. */
export const SOURCES_DEFAULTS = { maxFiles: 4000, maxBytes: 24 * 1024 * 1024, maxFileBytes: 1024 * 1024 }

const TYPES_DIR = 'node_modules/@types'
/** Folders inside a package under @types that are followed (declarations nest a few levels deep). */
const MAX_TYPES_DEPTH = 6
const TYPES_VERSION_DIR = /^ts\d+\.\d+$/
/** Files read at once: enough to hide each read's latency, few enough not to flood the disk. */
const PARALLEL_READS = 8

export function matchesExtension(path: string, extensions: readonly string[]): boolean {
  const p = path.toLowerCase()
  return extensions.some((e) => p.endsWith(e))
}

/**
 * Bulk read of the project's source files for the editor's language service: every read goes
 * through the workspace (path guard, text decoding), files over the size cap are counted, not
 * read, and the walk stops at the file and byte caps (shallow files first, then `@types`).
 */
export async function projectSources(
  svc: WorkspaceService,
  req: SourcesRequest,
  signal?: AbortSignal,
): Promise<ProjectSources> {
  const root = svc.root
  if (root === null) return { files: [], truncated: false, tooLarge: 0 }
  const maxFiles = req.maxFiles ?? SOURCES_DEFAULTS.maxFiles
  const maxBytes = req.maxBytes ?? SOURCES_DEFAULTS.maxBytes
  const maxFileBytes = req.maxFileBytes ?? SOURCES_DEFAULTS.maxFileBytes
  const exts = req.extensions.map((e) => e.toLowerCase())

  const walked = await svc.files(200_000, signal)
  let candidates = walked.paths.filter((p) => matchesExtension(p, exts))
  if (req.includeTypes) candidates = candidates.concat(await typeDeclarations(svc, signal))

  const files: SourceFile[] = []
  let bytes = 0
  let reserved = 0
  let tooLarge = 0
  let truncated = walked.truncated
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < candidates.length && !truncated) {
      signal?.throwIfAborted()
      const path = candidates[next++] as string
      let size: number
      try {
        size = (await stat(join(root, path))).size
      } catch {
        continue // vanished since the walk
      }
      if (size > maxFileBytes) {
        tooLarge++
        continue
      }
      // Checked and reserved in one step (no await between): the readers run side by side.
      if (reserved >= maxFiles || bytes + size > maxBytes) {
        truncated = true
        return
      }
      reserved++
      bytes += size
      try {
        const content = await svc.read(path)
        files.push({ path: content.path, text: content.text })
      } catch {
        reserved-- // unreadable or not text: leave it out
        bytes -= size
      }
    }
  }
  await Promise.all(Array.from({ length: PARALLEL_READS }, worker))
  return { files, truncated, tooLarge }
}

/** The `.d.ts` files of `node_modules/@types` (ignored by the walk, but they carry the types of imports). */
async function typeDeclarations(svc: WorkspaceService, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = []
  const visit = async (dir: string, depth: number): Promise<void> => {
    signal?.throwIfAborted()
    let entries
    try {
      entries = await svc.list(dir, { includeIgnored: true })
    } catch {
      return // no @types, or unreadable
    }
    for (const e of entries) {
      // `ts5.0/` and the like are copies for older compilers, chosen through package.json's
      // typesVersions, which the worker does not read: they would only be parsed twice.
      const followed = e.name !== 'node_modules' && !TYPES_VERSION_DIR.test(e.name)
      if (e.kind === 'dir' && depth < MAX_TYPES_DEPTH && followed) await visit(e.path, depth + 1)
      else if (e.kind === 'file' && e.name.endsWith('.d.ts')) out.push(e.path)
    }
  }
  await visit(TYPES_DIR, 0)
  return out
}

/** The language slice of the handler table. */
export function languageHandlers(svc: WorkspaceService): HandlersFor<keyof typeof languageMethods> {
  return {
    'language.sources': (args, ctx) => projectSources(svc, args, ctx.signal),
  }
}
