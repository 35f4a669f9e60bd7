import { HearthError } from '@shared/errors'
import { gitFailure, gitMessage, plainLines } from './gitRunner'

/** Files git lists under one of its "would be overwritten" headers (tab-indented lines). */
function listedFiles(msg: string, header: RegExp): string[] {
  const lines = msg.split('\n')
  const at = lines.findIndex((l) => header.test(l))
  if (at < 0) return []
  const files: string[] = []
  for (const l of lines.slice(at + 1)) {
    if (!/^\s/.test(l) || l.trim() === '') break
    files.push(l.trim())
  }
  return files
}

function some(files: string[]): string {
  const shown = files.slice(0, 3).join(', ')
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown
}

/** Why a branch switch or creation failed, in plain words (git's reason, with what to do). */
export function branchFailure(err: unknown, branch: string, create: boolean): HearthError {
  const msg = gitMessage(err)
  const local = listedFiles(msg, /local changes to the following files would be overwritten/i)
  if (local.length > 0)
    return new HearthError(
      'conflict',
      `Cannot switch to ${branch}: it would overwrite your changes to ${some(local)}. Commit or stash them first.`,
      { git: 'dirty', files: local },
    )
  const untracked = listedFiles(msg, /untracked working tree files would be (overwritten|removed)/i)
  if (untracked.length > 0)
    return new HearthError(
      'conflict',
      `Cannot switch to ${branch}: it would overwrite the untracked files ${some(untracked)}. Move or delete them first.`,
      { git: 'untracked', files: untracked },
    )
  if (/already exists/i.test(msg))
    return new HearthError('conflict', `A branch named ${branch} already exists.`)
  if (/invalid reference|did not match any|no such branch|not a commit/i.test(msg) && !create)
    return new HearthError('not_found', `There is no branch named ${branch}.`)
  if (/you need to resolve your current index first|unmerged/i.test(msg))
    return new HearthError('conflict', `Cannot switch to ${branch}: resolve the conflicted files first.`)
  const e = err instanceof HearthError ? err : gitFailure(err, ['switch'], '')
  return e.details?.git === 'failed'
    ? new HearthError('internal', `Switching to ${branch} failed: ${plainLines(msg)}`)
    : e
}
