import type { ConfirmState } from './useExplorerEdits'
import { baseName } from './entryNames'

interface Props {
  confirm: ConfirmState
  onConfirm: () => void
  onCancel: () => void
}

/**
 * Asks before a delete. First "Move to Trash" (it can be restored); where the system has no
 * trash, or for Shift+Delete, a second, plainer question: deleting for good cannot be undone.
 * Unsaved work in what is deleted is named: those tabs stay open and can be saved again.
 */
export function DeleteDialog({ confirm, onConfirm, onCancel }: Props) {
  const name = baseName(confirm.path)
  const folder = confirm.kind === 'dir'
  const permanent = confirm.step === 'permanent'
  const title = permanent
    ? `Permanently delete ${folder ? 'the folder ' : ''}“${name}”?`
    : `Move ${folder ? 'the folder ' : ''}“${name}” to the trash?`
  return (
    <div className="overlay" onMouseDown={onCancel}>
      <div
        className="dialog"
        role="alertdialog"
        aria-label={title}
        data-testid="explorer-delete-dialog"
        data-step={confirm.step}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          e.stopPropagation()
          if (e.key === 'Escape') onCancel()
        }}
      >
        <p>{title}</p>
        {permanent && confirm.step === 'permanent' && confirm.reason && (
          <p className="dialog-detail" data-testid="explorer-delete-reason">
            It cannot go to the trash: {confirm.reason}.
          </p>
        )}
        <p className="dialog-detail">
          {permanent
            ? 'This cannot be undone.'
            : folder
              ? 'The folder and everything in it can be restored from the trash.'
              : 'You can restore it from the trash.'}
        </p>
        {confirm.unsaved.length > 0 && (
          <p className="dialog-warning" data-testid="explorer-delete-unsaved">
            {confirm.unsaved.length === 1
              ? `${baseName(confirm.unsaved[0] ?? '')} has unsaved changes.`
              : `${confirm.unsaved.length} open files have unsaved changes (${confirm.unsaved.map(baseName).join(', ')}).`}{' '}
            Their tabs stay open, so you can save them again.
          </p>
        )}
        <div className="dialog-buttons">
          <button
            autoFocus={!permanent}
            className={permanent ? 'danger' : 'primary'}
            data-testid="explorer-delete-confirm"
            onClick={onConfirm}
          >
            {permanent ? 'Delete Permanently' : 'Move to Trash'}
          </button>
          <button autoFocus={permanent} data-testid="explorer-delete-cancel" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  )
}
