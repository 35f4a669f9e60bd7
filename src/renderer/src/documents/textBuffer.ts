/**
 * The text of one open file, as the document store sees it. Monaco models implement it in the
 * app (monacoBuffers.ts); a plain string implementation serves the store's unit tests.
 */
export interface TextBuffer {
  getText: () => string
  /** Replaces the text with the smallest edit, so cursor and scroll stay where they were. */
  applyText: (text: string) => void
  /** Changes with every edit and goes back on undo (Monaco's alternative version id). */
  versionId: () => number
  languageId: () => string
  onDidChange(listener: () => void): () => void
  dispose: () => void
}

export interface BufferFactory {
  create: (path: string, text: string) => TextBuffer
}
