/** The active editor's cursor, for the status bar. */
export interface CursorInfo {
  line: number
  column: number
  /** Selected characters (0 when the selection is empty). */
  selected: number
}
