import { randomUUID } from 'node:crypto'
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
  private readonly undos = new Map<string, UndoEntry[]>()

  constructor(
    private readonly search: LiteralSearch,
    private readonly files: ReplaceFiles,
    private readonly changed: (path: string, version: string) => void,
  ) {}

  async preview(
    args: ReplaceArgs,
    signal?: AbortSignal,
  ): Promise<{ files: ReplaceFilePreview[]; truncated: boolean }> {
    const found = await this.search.search(args, null, signal)
    const re = toRegExp(patternOf(args))
    const out: ReplaceFilePreview[] = []
    for (const f of found.files ?? []) {
      signal?.throwIfAborted()
      const file = await this.readOrNull(f.path)
      if (!file || file.readOnly) continue
      const matches = textMatches(file.text, re, args.replacement, args.regex ?? false)
      if (matches.length === 0) continue
      out.push({
        path: file.path,
        version: file.version,
        matches: matches.map((m, i) => previewOf(file.text, m, i)),
      })
    }
    return { files: out, truncated: found.truncated }
  }

  async apply(
    args: ReplaceArgs & { files: { path: string; version: string; accept?: number[] | undefined }[] },
  ): Promise<ReplaceResult> {
    const re = toRegExp(patternOf(args))
    const result: ReplaceResult = { changed: [], refused: [] }
    const undo: UndoEntry[] = []
    for (const want of args.files) {
      try {
        const file = await this.files.read(want.path)
        if (!sameContent(file.version, want.version)) {
          result.refused.push({
            path: want.path,
            message: `${want.path} changed since the preview: not replaced (search again to see its matches now)`,
          })
          continue
        }
        const matches = textMatches(file.text, re, args.replacement, args.regex ?? false)
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
    if (undo.length > 0) {
      const id = randomUUID()
      this.undos.set(id, undo)
      for (const old of [...this.undos.keys()].slice(0, Math.max(0, this.undos.size - UNDO_KEPT)))
        this.undos.delete(old)
      result.undoId = id
    }
    return result
  }

  /** Puts back every file of one replace, unless it changed after it. One undo per replace. */
  async undo(undoId: string): Promise<{ restored: string[]; refused: { path: string; message: string }[] }> {
    const entries = this.undos.get(undoId)
    if (!entries)
      throw new HearthError(
        'not_found',
        'that replace can no longer be undone (it was undone already, or too long ago)',
      )
    this.undos.delete(undoId)
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
