import type { FilePosition } from '../workbench/contributionTypes'

type Opener = (path: string, at?: FilePosition) => void

let opener: Opener | undefined

/**
 * The workbench's "open this file in a tab", for Monaco's own navigation (go to definition, a
 * peek's "open", Ctrl+click) that starts inside the editor where no workbench props reach.
 */
export function setFileOpener(open: Opener | undefined): () => void {
  opener = open
  return () => {
    if (opener === open) opener = undefined
  }
}

/** Opens the file in a Hearth tab; false when no workbench is there to do it. */
export function openInWorkbench(path: string, at?: FilePosition): boolean {
  if (!opener) return false
  opener(path, at)
  return true
}
