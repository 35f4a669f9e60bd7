import { ObservableValue } from '../util/observableValue'
import type { EditorSnapshot } from './docView'

/**
 * The open documents of this window's editor, for features outside the editor that must know
 * about unsaved work (the explorer asks before deleting a folder holding some). The workbench's
 * EditorStore publishes here; there is one workbench per window.
 */
export const openDocuments = new ObservableValue<EditorSnapshot>({ docs: [], active: undefined })
