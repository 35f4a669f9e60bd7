import type { gitMethods } from '@shared/contract/git'
import type { HandlersFor } from '../rpc/handlers'
import type { GitService } from './gitService'

/** The source-control slice of the handler table: thin, the service does the work. */
export function gitHandlers(git: GitService): HandlersFor<keyof typeof gitMethods> {
  return {
    'git.status': () => git.status(),
    'git.stage': ({ paths, all }) => git.stage(paths, all),
    'git.unstage': ({ paths, all }) => git.unstage(paths, all),
    'git.stageText': ({ path, text, base }) => git.stageText(path, text, base),
    'git.diff': ({ path, staged }) => git.diff(path, staged),
    'git.commit': ({ message, stageAll }) => git.commit(message, stageAll),
    'git.branches': () => git.branches(),
    'git.checkout': ({ branch, create }) => git.checkout(branch, create),
    'git.init': () => git.init(),
  }
}
