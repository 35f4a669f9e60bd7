/**
 * The editor as the chat panel reaches it: which file it shows, a proposed rewrite of some of its
 * lines opened in the same diff review as Ctrl+I, and text inserted at the cursor. The editor
 * contribution (registerInlineEdit) registers itself here; the panel never holds the editor.
 */
export interface EditHost {
  /** The workspace path the editor shows, if a file is open. */
  path(): string | undefined
  /**
   * Opens the review of `rewrite` replacing these lines (the whole file without a range):
   * nothing changes until the user accepts. False when the editor cannot take it (read-only).
   */
  review(range: { startLine: number; endLine: number } | undefined, rewrite: string, label: string): boolean
  /** Replaces the selection (or inserts at the cursor) with `text`, as one undo step. */
  insert(text: string): boolean
}

let current: EditHost | undefined

export function setEditHost(host: EditHost | undefined): void {
  current = host
}

export function editHost(): EditHost | undefined {
  return current
}

/** The editor once it shows `path` (the panel has just asked for it to open), or undefined after `ms`. */
export async function editorShowing(path: string, ms = 5000): Promise<EditHost | undefined> {
  const until = Date.now() + ms
  for (;;) {
    const h = current
    if (h?.path() === path) return h
    if (Date.now() > until) return undefined
    await new Promise((r) => setTimeout(r, 50))
  }
}
