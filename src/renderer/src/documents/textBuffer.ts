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
  /**
   * The file was renamed or moved: a buffer for `path` with this text (and this language's
   * successor), shown in place of this one by any editor showing it, cursor and scroll kept. This
   * one is disposed. Undo history does not cross over.
   */
  moveTo: (path: string) => TextBuffer
}

export interface BufferFactory {
  create: (path: string, text: string) => TextBuffer
}
