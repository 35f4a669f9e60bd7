import { z } from 'zod'
import { method } from './define'
import { RelPath } from './workspace'

/** One source file handed to the editor's language service (TypeScript's worker). */
export const SourceFile = z.object({ path: RelPath, text: z.string() })
export type SourceFile = z.infer<typeof SourceFile>

export const ProjectSources = z.object({
  files: z.array(SourceFile),
  /** The caps were reached: some matching files were left out. */
  truncated: z.boolean(),
  /** Matching files left out for being over the per-file size cap (generated bundles). */
  tooLarge: z.number().int().nonnegative(),
})
export type ProjectSources = z.infer<typeof ProjectSources>

export const languageMethods = {
  /**
   * The workspace's source files with these extensions, in one call (the language service needs
   * the whole project, not one file at a time): non-ignored files breadth-first, then the
   * type declarations under `node_modules/@types` when asked. Bounded by file count and bytes.
   */
  'language.sources': method(
    z.object({
      /** Lower-case, with the dot: `.ts`, `.d.ts`. */
      extensions: z.array(z.string().min(2).max(16)).min(1).max(32),
      includeTypes: z.boolean().optional(),
      maxFiles: z.number().int().positive().max(20_000).optional(),
      maxBytes: z
        .number()
        .int()
        .positive()
        .max(64 * 1024 * 1024)
        .optional(),
      maxFileBytes: z
        .number()
        .int()
        .positive()
        .max(4 * 1024 * 1024)
        .optional(),
    }),
    ProjectSources,
  ),
} as const
