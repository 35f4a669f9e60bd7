import type { PanelProps } from './contributionTypes'

/** Holds a sidebar slot (and its shortcut) until the feature that fills it is mounted. */
export function PlaceholderPanel(_props: PanelProps) {
  return (
    <div className="panel-placeholder" data-testid="panel-placeholder">
      Not available in this build yet.
    </div>
  )
}
