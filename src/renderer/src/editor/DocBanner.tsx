import type { DocView } from '../documents/docView'

export interface BannerActions {
  compare: () => void
  overwrite: () => void
  reload: () => void
  dismiss: () => void
  closeCompare: () => void
}

/** The bar above the editor when the buffer and the disk disagree, or a save failed. */
export function DocBanner({ doc, actions }: { doc: DocView; actions: BannerActions }) {
  const b = doc.banner
  const compareButton = doc.compare ? (
    <button data-testid="banner-close-compare" onClick={actions.closeCompare}>
      Close Compare
    </button>
  ) : (
    <button data-testid="banner-compare" onClick={actions.compare}>
      Compare
    </button>
  )
  if (!b) {
    if (!doc.compare) return null
    return (
      <div className="doc-banner info" data-testid="doc-banner" data-kind="compare">
        <span>Left: the file on disk. Right: your version (editable).</span>
        {compareButton}
      </div>
    )
  }
  if (b.kind === 'saveFailed') {
    return (
      <div className="doc-banner error" role="alert" data-testid="doc-banner" data-kind={b.kind}>
        <span>{b.message}</span>
        <button data-testid="banner-dismiss" onClick={actions.dismiss}>
          Dismiss
        </button>
      </div>
    )
  }
  if (b.kind === 'deletedOnDisk') {
    return (
      <div className="doc-banner warning" role="alert" data-testid="doc-banner" data-kind={b.kind}>
        <span>{doc.name} was deleted on disk. Your text is still here; saving recreates the file.</span>
        <button data-testid="banner-overwrite" onClick={actions.overwrite}>
          Save Again
        </button>
        <button data-testid="banner-dismiss" onClick={actions.dismiss}>
          Dismiss
        </button>
      </div>
    )
  }
  const text =
    b.kind === 'conflict'
      ? `Not saved: ${doc.name} changed on disk since you opened it.`
      : `${doc.name} changed on disk, and you have unsaved changes.`
  return (
    <div className="doc-banner warning" role="alert" data-testid="doc-banner" data-kind={b.kind}>
      <span>{text}</span>
      {compareButton}
      <button
        data-testid="banner-overwrite"
        onClick={actions.overwrite}
        title="Save your version over the file on disk"
      >
        Overwrite
      </button>
      {b.kind === 'changedOnDisk' ? (
        <button
          data-testid="banner-reload"
          onClick={actions.reload}
          title="Discard your changes and load the file from disk"
        >
          Reload
        </button>
      ) : (
        <button
          data-testid="banner-cancel"
          onClick={actions.dismiss}
          title="Keep editing; nothing is written"
        >
          Cancel
        </button>
      )}
    </div>
  )
}
