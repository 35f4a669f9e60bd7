import type { IndexStatus } from '@shared/contract/search'
import type { SkippedFile } from '../files/walkWorkspace'

/** Skipped files listed in the status (the count covers all; `hearth index --json` lists every one). */
const SKIPPED_SHOWN = 20

/** What a scan left out, for the index status: the count and the first few with their reasons. */
export function skippedOf(all: readonly SkippedFile[]): IndexStatus['skipped'] {
  return {
    count: all.length,
    sample: all.slice(0, SKIPPED_SHOWN).map(({ path, reason }) => ({ path, reason })),
  }
}
