import { useObservable } from '../util/useObservable'
import { decorationsFor } from './gitDecorations'
import { gitStatus } from './gitState'

/**
 * The letter (or, for a folder, the dot) after a name in the explorer. Reads the shared status;
 * the status bar's branch item keeps it current. The row's name takes the same colour (scm.css).
 */
export function GitDecorationBadge({ path, isDir }: { path: string; isDir: boolean }) {
  const deco = decorationsFor(useObservable(gitStatus))
  if (isDir) {
    const tone = deco.folders.get(path)
    return tone ? (
      <span className={`git-deco git-${tone}`} data-testid="git-deco" data-git={tone} aria-hidden>
        ●
      </span>
    ) : null
  }
  const d = deco.files.get(path)
  return d ? (
    <span className={`git-deco git-${d.tone}`} data-testid="git-deco" data-git={d.tone} title={d.label}>
      {d.letter}
    </span>
  ) : null
}
