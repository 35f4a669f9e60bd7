interface Props {
  name: string
  onSave: () => void
  onDiscard: () => void
  onCancel: () => void
}

/** "Do you want to save the changes you made to X?" — VS Code's three answers. */
export function ConfirmClose({ name, onSave, onDiscard, onCancel }: Props) {
  return (
    <div className="overlay" onMouseDown={onCancel}>
      <div
        className="dialog"
        role="alertdialog"
        aria-label="Save changes"
        data-testid="confirm-close"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        <p>Do you want to save the changes you made to {name}?</p>
        <p className="dialog-detail">Your changes will be lost if you don&apos;t save them.</p>
        <div className="dialog-buttons">
          <button autoFocus className="primary" data-testid="confirm-save" onClick={onSave}>
            Save
          </button>
          <button data-testid="confirm-discard" onClick={onDiscard}>
            Don&apos;t Save
          </button>
          <button data-testid="confirm-cancel" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  )
}
