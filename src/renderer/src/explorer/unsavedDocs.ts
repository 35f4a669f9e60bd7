import { pathUnder } from '@shared/paths'
import { openDocuments } from '../documents/openDocuments'
import { baseName } from './entryNames'

/** Open documents with unsaved edits at `path` or below it. */
export const unsavedUnder = (path: string): string[] =>
  openDocuments
    .get()
    .docs.filter((d) => d.dirty && pathUnder(d.path, path) !== null)
    .map((d) => d.path)

/**
 * Why a move onto `to` must wait: a tab there (its file deleted, its edits kept) would meet the
 * moved file's bytes, and one of the two texts could be lost. Undefined when nothing is in the way.
 */
export function blockedByUnsaved(to: string): string | undefined {
  const unsaved = unsavedUnder(to)
  if (unsaved.length === 0) return undefined
  const first = unsaved[0] as string
  return unsaved.length === 1 && first === to
    ? `${baseName(to)} is open with unsaved changes. Save or close that tab first.`
    : `${baseName(first)} (under ${baseName(to)}) is open with unsaved changes. Save or close that tab first.`
}
