import type { editor as MonacoEditor } from 'monaco-editor'
import { describe, expect, it } from 'vitest'
import { editorActions } from './editorActions'

/** Just enough of an editor to list one action whose run rejects. */
function editorWith(run: () => Promise<void>): MonacoEditor.IStandaloneCodeEditor {
  const action = {
    id: 'editor.action.formatDocument',
    label: 'Format Document',
    isSupported: () => true,
    run,
  }
  return {
    getSupportedActions: () => [action],
    focus: () => undefined,
  } as unknown as MonacoEditor.IStandaloneCodeEditor
}

describe('editor actions in the palette', () => {
  it('reports an action that fails instead of leaving its rejection unhandled', async () => {
    const failures: string[] = []
    const [entry] = editorActions(
      editorWith(() => Promise.reject(new Error('no formatter for this file'))),
      (label, err) => failures.push(`${label}: ${err instanceof Error ? err.message : String(err)}`),
    )
    entry?.run()
    await new Promise((r) => setTimeout(r, 0))
    expect(failures).toEqual(['Format Document: no formatter for this file'])
  })
})
