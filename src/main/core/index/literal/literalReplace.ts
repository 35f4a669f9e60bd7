import { createHash, randomUUID } from 'node:crypto'
import type { ReplaceFilePreview, ReplaceResult } from '@shared/contract/literalSearch'
import { HearthError } from '@shared/errors'
import type { Encoding, Eol } from '../../files/textCodec'
import { versionHash } from '../../files/textCodec'
import { applyMatches, MAX_LINE_TEXT, type TextMatch, textMatches, toRegExp } from './literalMatcher'
import { type LiteralSearch, type LiteralSearchArgs, patternOf } from './literalSearch'

/** What replace needs of the workspace: its guarded, versioned reads and atomic, checked saves. */
export interface ReplaceFiles {
  read(
    path: string,
  ): Promise<{ path: string; text: string; encoding: Encoding; eol: Eol; version: string; readOnly: boolean }>
  write(req: {
    path: string
    text: string
    encoding: Encoding
    eol: Eol
    baseVersion: string
  }): Promise<{ path: string; version: string }>
}

export type ReplaceArgs = LiteralSearchArgs & { replacement: string }

interface UndoEntry {
  path: string
  before: { text: string; encoding: Encoding; eol: Eol }
  /** The version the replace wrote: undo refuses a file that is no longer at it. */
  after: string
}

/** Replaces kept for undo (each holds the old text of every file it touched). */
const UNDO_KEPT = 20
/**
 * And the old text they hold, in all (UTF-16 bytes): a replace across a large tree could keep
 * hundreds of MB otherwise. The oldest replaces are let go first.
 */
export const UNDO_BYTES = 64 * 1024 * 1024
/**
 * Matches one preview lists (a regex like `\w` finds a million in one 1 MB file). Past it the
 * preview says "truncated" and Replace All is refused: replacing only the part shown would be a
 * silent half-replace.
 */
export const MAX_PREVIEW_MATCHES = 20_000
/** Previews an apply can still name (the renderer uses the last one). */
const PREVIEWS_KEPT = 20
/** Undo ids let go for memory, remembered so an undo of one says why it cannot be done. */
const DROPPED_KEPT = 1000

interface PreviewRecord {
  /** Hash of the search, globs and replacement the preview was made for. */
  key: string
  truncated: boolean
  paths: ReadonlySet<string>
}

export interface ReplaceLimits {
  undoBytes?: number
  previewMatches?: number
}

/** The arguments that decide what an apply replaces, as one hash: an apply must match its preview's. */
function argsKey(a: ReplaceArgs): string {
  const parts = [
    a.query,
    a.regex ?? false,
    a.caseSensitive ?? false,
    a.wholeWord ?? false,
    a.include?.trim() ?? '',
    a.exclude?.trim() ?? '',
    a.replacement,
  ]
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex')
}

/** Same file content: the versions' hashes agree (a `touch` is not a change). */
const sameContent = (a: string, b: string): boolean =>
  a === b || (versionHash(a) !== '' && versionHash(a) === versionHash(b))

/**
 * Replace across files: a preview of every match and what it becomes, an apply of the accepted
 * ones that refuses a file changed since its preview, and one undo per apply. Files are read and
 * written through the workspace (the path guard, atomic saves with a version check, CRLF and BOM
 * kept); `changed` tells open editors (the `file.changed` event) since the workspace stays silent
 * about its own saves.
 */
export class LiteralReplace {
  private readonly undos = new Map<string, { entries: UndoEntry[]; bytes: number }>()
  private undoBytes = 0
  private readonly dropped = new Set<string>()
  private readonly previews = new Map<string, PreviewRecord>()
  private readonly undoBudget: number
  private readonly previewCap: number

  constructor(
    private readonly search: LiteralSearch,
    private readonly files: ReplaceFiles,
    private readonly changed: (path: string, version: string) => void,
    limits: ReplaceLimits = {},
  ) {
    this.undoBudget = limits.undoBytes ?? UNDO_BYTES
    this.previewCap = limits.previewMatches ?? MAX_PREVIEW_MATCHES
  }

  async preview(
    args: ReplaceArgs,
    signal?: AbortSignal,
  ): Promise<{ previewId: string; files: ReplaceFilePreview[]; truncated: boolean }> {
    const cap = this.previewCap
    const found = await this.search.search({ ...args, maxMatches: cap }, null, signal)
    const re = toRegExp(patternOf(args))
    const out: ReplaceFilePreview[] = []
    let total = 0
    let truncated = found.truncated
    for (const f of found.files ?? []) {
      signal?.throwIfAborted()
      if (total >= cap) {
        truncated = true
        break
      }
      const file = await this.readOrNull(f.path)
      if (!file || file.readOnly) continue
      // One more than is left: enough to know the cap was passed, never a million entries.
      const matches = textMatches(file.text, re, args.replacement, args.regex ?? false, cap - total + 1)
      if (matches.length === 0) continue
      if (total + matches.length > cap) {
        truncated = true
        matches.length = cap - total
      }
      total += matches.length
      out.push({
        path: file.path,
        version: file.version,
        matches: matches.map((m, i) => previewOf(file.text, m, i)),
      })
    }
    const previewId = randomUUID()
    this.previews.set(previewId, { key: argsKey(args), truncated, paths: new Set(out.map((f) => f.path)) })
    for (const old of [...this.previews.keys()].slice(0, Math.max(0, this.previews.size - PREVIEWS_KEPT)))
      this.previews.delete(old)
    return { previewId, files: out, truncated }
  }

  async apply(
    args: ReplaceArgs & {
      previewId: string
      files: { path: string; version: string; accept?: number[] | undefined }[]
    },
  ): Promise<ReplaceResult> {
    const re = toRegExp(patternOf(args))
    this.checkPreview(args)
    const seen = this.previews.get(args.previewId)?.paths ?? new Set<string>()
    // Carried out once: its files change now, a second apply of it would mean nothing.
    this.previews.delete(args.previewId)
    const result: ReplaceResult = { changed: [], refused: [] }
    const undo: UndoEntry[] = []
    for (const want of args.files) {
      if (!seen.has(want.path)) {
        result.refused.push({ path: want.path, message: `${want.path} was not in the preview: not replaced` })
        continue
      }
      try {
        const file = await this.files.read(want.path)
        if (!sameContent(file.version, want.version)) {
          result.refused.push({
            path: want.path,
            message: `${want.path} changed since the preview: not replaced (search again to see its matches now)`,
          })
          continue
        }
        // The file is as previewed (same version), so its matches are within the preview's cap.
        const matches = textMatches(file.text, re, args.replacement, args.regex ?? false, this.previewCap + 1)
        const next = applyMatches(file.text, matches, want.accept ? new Set(want.accept) : undefined)
        if (next.replaced === 0) continue
        const saved = await this.files.write({
          path: file.path,
          text: next.text,
          encoding: file.encoding,
          eol: file.eol,
          baseVersion: file.version,
        })
        undo.push({
          path: saved.path,
          before: { text: file.text, encoding: file.encoding, eol: file.eol },
          after: saved.version,
        })
        result.changed.push({ path: saved.path, replaced: next.replaced, version: saved.version })
        this.changed(saved.path, saved.version)
      } catch (err) {
        result.refused.push({ path: want.path, message: refusal(want.path, err, 'the preview') })
      }
    }
    if (undo.length > 0) this.keepUndo(undo, result)
    return result
  }

  /** Refuses, before anything is written, an apply that is not its preview's. */
  private checkPreview(args: ReplaceArgs & { previewId: string }): void {
    const p = this.previews.get(args.previewId)
    if (!p)
      throw new HearthError(
        'not_found',
        'that preview is no longer known (too old, or already applied): preview again, nothing was replaced',
      )
    if (p.key !== argsKey(args))
      throw new HearthError(
        'conflict',
        'the search or the replacement changed since the preview: preview again, nothing was replaced',
      )
    if (p.truncated)
      throw new HearthError(
        'too_large',
        `the preview stopped at ${this.previewCap.toLocaleString('en-US')} matches, so Replace All would ` +
          'replace only part of them: narrow the search (a more exact query, or include/exclude globs) ' +
          'and preview again; nothing was replaced',
      )
  }

  /** Keeps one replace's old text for undo, within the count and byte budget (oldest let go). */
  private keepUndo(undo: UndoEntry[], result: ReplaceResult): void {
    const bytes = undo.reduce((n, e) => n + e.before.text.length * 2, 0)
    if (bytes > this.undoBudget) {
      result.undoNote = 'this replace cannot be undone: the old text of its files is too large to keep'
      return
    }
    const id = randomUUID()
    this.undos.set(id, { entries: undo, bytes })
    this.undoBytes += bytes
    for (const [old, kept] of this.undos) {
      if (this.undos.size <= UNDO_KEPT && this.undoBytes <= this.undoBudget) break
      this.undos.delete(old)
      this.undoBytes -= kept.bytes
      this.dropped.add(old)
      if (this.dropped.size > DROPPED_KEPT) this.dropped.delete(this.dropped.values().next().value as string)
    }
    result.undoId = id
  }

  /** Puts back every file of one replace, unless it changed after it. One undo per replace. */
  async undo(undoId: string): Promise<{ restored: string[]; refused: { path: string; message: string }[] }> {
    const kept = this.undos.get(undoId)
    if (!kept) {
      if (this.dropped.has(undoId))
        throw new HearthError(
          'not_found',
          'that replace can no longer be undone: later replaces needed the memory its old text held',
        )
      throw new HearthError(
        'not_found',
        'that replace can no longer be undone (it was undone already, or too long ago)',
      )
    }
    this.undos.delete(undoId)
    this.undoBytes -= kept.bytes
    const entries = kept.entries
    const out: { restored: string[]; refused: { path: string; message: string }[] } = {
      restored: [],
      refused: [],
    }
    for (const e of entries) {
      try {
        const now = await this.files.read(e.path)
        if (!sameContent(now.version, e.after)) {
          out.refused.push({ path: e.path, message: `${e.path} changed after the replace: not restored` })
          continue
        }
        const saved = await this.files.write({ path: e.path, ...e.before, baseVersion: now.version })
        out.restored.push(saved.path)
        this.changed(saved.path, saved.version)
      } catch (err) {
        out.refused.push({ path: e.path, message: refusal(e.path, err, 'the replace') })
      }
    }
    return out
  }

  private async readOrNull(path: string): Promise<Awaited<ReturnType<ReplaceFiles['read']>> | null> {
    try {
      return await this.files.read(path)
    } catch {
      return null // gone, too large to edit, no longer text: nothing to replace there
    }
  }
}

function refusal(path: string, err: unknown, since: string): string {
  if (err instanceof HearthError && err.code === 'conflict')
    return `${path} changed since ${since}: not written`
  if (err instanceof HearthError) return err.message
  return `${path} could not be written (${err instanceof Error ? err.message : String(err)})`
}

function previewOf(text: string, m: TextMatch, index: number): ReplaceFilePreview['matches'][number] {
  const lineStart = m.start - m.lineStart
  const nl = text.indexOf('\n', lineStart)
  let line = text.slice(lineStart, nl === -1 ? text.length : nl)
  if (line.endsWith('\r')) line = line.slice(0, -1)
  let range: [number, number] = [m.lineStart, m.lineEnd]
  if (line.length > MAX_LINE_TEXT) {
    const from = Math.max(0, m.lineStart - 120)
    line = line.slice(from, from + MAX_LINE_TEXT)
    range = [m.lineStart - from, Math.min(m.lineEnd - from, line.length)]
  }
  return { index, line: m.line, text: line, range, replacement: m.replacement }
}
