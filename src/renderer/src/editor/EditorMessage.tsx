import type { ErrorCode } from '@shared/errors'

const TITLES: Partial<Record<ErrorCode, string>> = {
  binary: 'This file is binary',
  too_large: 'This file is too large to open',
  forbidden: 'This file cannot be opened',
  not_found: 'This file does not exist',
  unavailable: 'Hearth is not connected',
}

/** Shown instead of the editor when a file cannot be opened: what happened, in words. */
export function EditorMessage({ code, message }: { code: ErrorCode; message: string }) {
  return (
    <div className="editor-message" role="status" data-testid="editor-message" data-code={code}>
      <div className="editor-message-title">{TITLES[code] ?? 'This file could not be opened'}</div>
      <div className="editor-message-detail">{message}</div>
    </div>
  )
}
