import { useEffect, useRef } from 'react'
import { modelUri } from '../monaco/monacoBuffers'
import type { Monaco } from '../monaco/monacoSetup'

interface Props {
  monaco: Monaco
  path: string
  diskText: string
  readOnly: boolean
}

/** Compare: the file on disk (left, read-only) against the buffer (right, still editable). */
export function DiffHost({ monaco, path, diskText, readOnly }: Props) {
  const el = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const host = el.current
    const modified = monaco.editor.getModel(modelUri(monaco, path))
    if (!host || !modified) return
    const original = monaco.editor.createModel(diskText, modified.getLanguageId())
    const diff = monaco.editor.createDiffEditor(host, {
      automaticLayout: true,
      originalEditable: false,
      readOnly,
      renderSideBySide: true,
      fontSize: 13,
    })
    diff.setModel({ original, modified })
    return () => {
      diff.dispose()
      original.dispose()
    }
  }, [monaco, path, diskText, readOnly])
  return <div className="editor-host" data-testid="diff-editor" ref={el} />
}
