import type { editor as MonacoEditor, IDisposable } from 'monaco-editor'
import type { Monaco } from '../monaco/monacoSetup'
import { updateUserState, userState } from '../session/userState'

export const PAUSE_MINUTES = 15

/** Whether inline completions are offered now (not off, not paused). */
export function completionsActive(now = Date.now()): boolean {
  const c = userState.get().completions
  return !c.off && (c.pausedUntil === null || c.pausedUntil <= now)
}

export function setCompletionsOff(off: boolean): void {
  updateUserState((s) => ({ ...s, completions: { off, pausedUntil: null } }))
}

export function pauseCompletions(minutes = PAUSE_MINUTES): void {
  updateUserState((s) => ({ ...s, completions: { off: false, pausedUntil: Date.now() + minutes * 60_000 } }))
}

/**
 * Editor contribution: automatic inline suggestions follow the switch (Monaco's `inlineSuggest`
 * option; asking explicitly with Alt+\ still works), and a pause ends on its own.
 */
export function followCompletionsSwitch(
  _monaco: Monaco,
  editor: MonacoEditor.IStandaloneCodeEditor,
): IDisposable {
  let timer: ReturnType<typeof setTimeout> | undefined
  const apply = (): void => {
    clearTimeout(timer)
    const enabled = completionsActive()
    editor.updateOptions({ inlineSuggest: { enabled } })
    const until = userState.get().completions.pausedUntil
    if (!enabled && until !== null && !userState.get().completions.off)
      timer = setTimeout(apply, Math.min(until - Date.now() + 50, 2 ** 31 - 1))
  }
  apply()
  const off = userState.subscribe(apply)
  return {
    dispose: () => {
      clearTimeout(timer)
      off()
    },
  }
}
