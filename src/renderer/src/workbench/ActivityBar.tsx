import { Icon } from './Icon'
import { ICONS } from './icons'
import type { SidebarPanel } from './contributionTypes'

interface Props {
  panels: SidebarPanel[]
  active: string | undefined
  onSelect: (id: string) => void
  onOpenFolder: () => void
  /** The key that shows a panel ('Ctrl+Shift+E'), '' for none: shown in its tooltip. */
  keyHint?: (panelId: string) => string
  openFolderKey?: string
}

const withKey = (title: string, key: string | undefined): string => (key ? `${title} (${key})` : title)

export function ActivityBar({ panels, active, onSelect, onOpenFolder, keyHint, openFolderKey }: Props) {
  return (
    <nav className="activitybar" aria-label="Views">
      {panels.map((p) => (
        <button
          key={p.id}
          className={`activity ${p.id === active ? 'active' : ''}`}
          title={withKey(p.title, keyHint?.(p.id))}
          aria-pressed={p.id === active}
          data-testid={`activity-${p.id}`}
          onClick={() => onSelect(p.id)}
        >
          <Icon path={p.icon} />
        </button>
      ))}
      <div className="activity-spacer" />
      <button
        className="activity"
        title={withKey('Open Folder…', openFolderKey)}
        data-testid="activity-open-folder"
        onClick={onOpenFolder}
      >
        <Icon path={ICONS.folder} />
      </button>
    </nav>
  )
}
