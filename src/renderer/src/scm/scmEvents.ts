import { ObservableValue } from '../util/observableValue'

/**
 * Requests from commands (palette, keys) to the views that own the state: the commit box is the
 * source-control view's, the branch picker the status bar item's. Observable values rather than
 * imports of the views, so a command works whichever of them is mounted first.
 */
export const commitRequests = new ObservableValue(0)

export type BranchPickerMode = 'switch' | 'create'
export const branchPicker = new ObservableValue<BranchPickerMode | undefined>(undefined)

export function requestCommit(): void {
  commitRequests.set(commitRequests.get() + 1)
}
