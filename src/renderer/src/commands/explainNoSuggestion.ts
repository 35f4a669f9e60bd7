import type { HearthApi, ResultOf } from '@shared/contract'
import { completionFix } from '../completion/completionStatusText'
import type { UserState } from '@shared/contract/session'

/** What the editor looks like at the cursor, as far as the completion rules care. */
export interface CursorFacts {
  path: string | undefined
  readOnly: boolean
  /** The characters just before and after the cursor ('' at a line end). */
  before: string
  after: string
}

const WORD = /[\p{L}\p{N}_$]/u

/**
 * Why no ghost text shows at the cursor, in the order the request goes: the switch, the editor,
 * the core's rules, then the model behind it. Each line says what to do. Pure (tests feed it).
 */
export function explainNoSuggestion(
  switchState: UserState['completions'],
  cursor: CursorFacts | undefined,
  status: ResultOf<'completion.status'> | undefined,
  backends: ResultOf<'backends.status'> | undefined,
  now = Date.now(),
): string[] {
  const out: string[] = []
  if (switchState.off) out.push('Completions are turned off. Run "Completions: Turn On" to get them back.')
  else if (switchState.pausedUntil !== null && switchState.pausedUntil > now) {
    const at = new Date(switchState.pausedUntil).toLocaleTimeString([], {
      hour: '2-digit',
      minute: '2-digit',
    })
    out.push(`Completions are paused until ${at}. Run "Completions: Resume" to get them now.`)
  }
  if (!cursor?.path) out.push('No file is open: suggestions appear in the editor, as you type.')
  else {
    if (cursor.readOnly) out.push('This file is read-only, so nothing is suggested in it.')
    if (WORD.test(cursor.before) && WORD.test(cursor.after))
      out.push(
        'The cursor is inside a word: suggestions wait until you are at the end of one (Alt+\\ asks anyway).',
      )
  }
  const task = backends?.tasks.find((t) => t.task === 'completion')
  const noBackend = task !== undefined && task.endpointId === null
  if (status) {
    const model = status.model || status.provider
    if (status.state === 'disabled') out.push('The completion service is shut down: restart Hearth.')
    else if (status.state === 'loading')
      out.push(`The model ${model} is still loading; suggestions start once it is ready.`)
    // With no backend at all, the line below says it once (the status repeats the same reason).
    else if (status.state === 'error' && !noBackend) {
      const fix = completionFix(status)
      out.push(`The last request to ${model} failed${status.message ? `: ${status.message}` : '.'}`)
      if (fix) out.push(fix)
    }
  }
  if (task && noBackend)
    out.push(
      `No backend can serve completions${task.reason ? `: ${task.reason.replace(/^no backend can serve \w+ now:\s*/i, '')}` : ''}. Open Settings ▸ Models to download one, or start your server.`,
    )
  if (out.length === 0) {
    out.push(
      status
        ? `Nothing is wrong that Hearth can see: ${status.model || status.provider} is ready. A suggestion shows when the model has one; some spots get none (Esc dismisses one until you type).`
        : 'Nothing is wrong that Hearth can see.',
    )
  }
  return out
}

/** Gathers the facts from the core and the editor, then explains. */
export async function explainNow(
  api: HearthApi,
  switchState: UserState['completions'],
  cursor: CursorFacts | undefined,
): Promise<string[]> {
  const [status, backends] = await Promise.all([
    api.call('completion.status', {}).catch(() => undefined),
    api.call('backends.status', {}).catch(() => undefined),
  ])
  return explainNoSuggestion(switchState, cursor, status, backends)
}
