import { z } from 'zod'
import { event, method } from './define'
import { RelPath } from './workspace'

/** What to look for, as Ctrl+Shift+F's toggles say it. Shared by search and replace. */
export const LiteralPattern = z.object({
  /** The exact text, or a JavaScript regular expression when `regex`. Matched within one line. */
  query: z.string().min(1).max(2000),
  regex: z.boolean().optional(),
  caseSensitive: z.boolean().optional(),
  /** Only where the match is not part of a longer word (letters, digits, `_`), as `grep -w`. */
  wholeWord: z.boolean().optional(),
  /** Comma-separated globs; a file must match one (`src/**`, `*.ts`, `docs`). Empty: every file. */
  include: z.string().max(1000).optional(),
  /** Comma-separated globs; a file matching one is left out. */
  exclude: z.string().max(1000).optional(),
})
export type LiteralPattern = z.infer<typeof LiteralPattern>

/** `[start, end)` in UTF-16 units of the line's `text`, as Monaco counts columns (minus one). */
export const MatchRange = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])

export const LiteralLine = z.object({
  /** 1-based line of the file. */
  line: z.number().int().positive(),
  /** The line without its line break (`\r` of a CRLF file included), cut around the match when very long. */
  text: z.string(),
  /** Where `text` starts in the line (0 unless a very long line was cut). */
  offset: z.number().int().nonnegative(),
  ranges: z.array(MatchRange).min(1),
})
export type LiteralLine = z.infer<typeof LiteralLine>

export const LiteralFile = z.object({
  path: RelPath,
  lines: z.array(LiteralLine),
})
export type LiteralFile = z.infer<typeof LiteralFile>

export const LiteralQuery = LiteralPattern.extend({
  /**
   * When set, files are sent as `search.literalFound` events carrying this id as they are found,
   * and the result holds only the counts. Without it the result holds every file (the CLI).
   */
  streamId: z.string().min(1).max(100).optional(),
  /** Stop after this many matches (default 20,000, as VS Code). */
  maxMatches: z.number().int().positive().max(100_000).optional(),
})

export const LiteralSummary = z.object({
  /** Files read (after the globs). */
  searched: z.number().int().nonnegative(),
  matches: z.number().int().nonnegative(),
  fileCount: z.number().int().nonnegative(),
  /** More matches exist than maxMatches. */
  truncated: z.boolean(),
  /** Files come from the index's list (else a walk of the folder, while the index is not ready). */
  source: z.enum(['index', 'walk']),
  ms: z.number().nonnegative(),
  /** Present when the call had no streamId: every file with a match, by path. */
  files: z.array(LiteralFile).optional(),
})
export type LiteralSummary = z.infer<typeof LiteralSummary>

/** One match of a replace preview: the line before and after. */
export const ReplaceMatch = z.object({
  /** Index of the match in its file (the order they appear): what apply's `accept` names. */
  index: z.number().int().nonnegative(),
  line: z.number().int().positive(),
  /** The line as it is, and the match's range in it. */
  text: z.string(),
  range: MatchRange,
  /** What the match becomes (`$1`, `$&`… expanded when regex). */
  replacement: z.string(),
})

export const ReplaceFilePreview = z.object({
  path: RelPath,
  /** The file's version the preview was made from; apply refuses the file if it changed since. */
  version: z.string(),
  matches: z.array(ReplaceMatch),
})
export type ReplaceFilePreview = z.infer<typeof ReplaceFilePreview>

export const ReplaceRequest = LiteralPattern.extend({
  /** Literal text, or with `$1`, `$<name>`, `$&` when regex. */
  replacement: z.string().max(10_000),
})

export const ReplaceApply = ReplaceRequest.extend({
  /**
   * The preview this apply carries out (its `previewId`): an apply whose search, globs or
   * replacement differ from that preview's, or whose preview was cut at its match limit, is
   * refused before anything is written (match indexes mean nothing for another search).
   */
  previewId: z.string().min(1).max(100),
  files: z
    .array(
      z.object({
        path: RelPath,
        version: z.string().max(200),
        /** Match indexes (from the preview) to replace; absent: all of them. */
        accept: z.array(z.number().int().nonnegative()).max(100_000).optional(),
      }),
    )
    .max(20_000),
})

export const FileRefusal = z.object({ path: RelPath, message: z.string() })

export const ReplaceResult = z.object({
  /** Names this replace for `search.replaceUndo`; absent when nothing was written. */
  undoId: z.string().optional(),
  /** Why this replace cannot be undone although it wrote files (its old text is too large to keep). */
  undoNote: z.string().optional(),
  changed: z.array(
    z.object({ path: RelPath, replaced: z.number().int().nonnegative(), version: z.string() }),
  ),
  refused: z.array(FileRefusal),
})
export type ReplaceResult = z.infer<typeof ReplaceResult>

export const literalSearchMethods = {
  /**
   * Exact text or regex over the workspace's files (the index's list and ignore rules; binary,
   * oversized and minified files left out, as the index does). Cancel through the call's
   * AbortSignal. An invalid regex fails with `invalid_argument` and a sentence saying why.
   */
  'search.literal': method(LiteralQuery, LiteralSummary),
  /** Every file and match a replace would change, and into what; nothing is written. */
  'search.replacePreview': method(
    ReplaceRequest,
    z.object({
      /** What `search.replaceApply` names to carry out this preview. */
      previewId: z.string(),
      files: z.array(ReplaceFilePreview),
      /** The preview stopped at its match limit: Replace All is refused until the search is narrower. */
      truncated: z.boolean(),
    }),
  ),
  /**
   * Replaces the accepted matches, each file atomically; a file changed since its preview is
   * refused (not written) with a sentence saying so. Open editors learn through `file.changed`.
   */
  'search.replaceApply': method(ReplaceApply, ReplaceResult),
  /** Puts back every file of one replace; a file changed since that replace is refused. */
  'search.replaceUndo': method(
    z.object({ undoId: z.string().min(1).max(100) }),
    z.object({ restored: z.array(RelPath), refused: z.array(FileRefusal) }),
  ),
} as const

export const literalSearchEvents = {
  /** Files with matches of the streamed `search.literal` call whose streamId this carries. */
  'search.literalFound': event(z.object({ streamId: z.string(), files: z.array(LiteralFile) })),
} as const
