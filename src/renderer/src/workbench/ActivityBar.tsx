import { Icon } from './Icon'
import { ICONS } from './icons'
import type { SidebarPanel } from './contributionTypes'

interface Props {
  panels: SidebarPanel[]
  active: string | undefined
  onSelect: (id: string) => void
  onOpenFolder: () => void
}

export function ActivityBar({ panels, active, onSelect, onOpenFolder }: Props) {
  return (
    <nav className="activitybar" aria-label="Views">
      {panels.map((p) => (
        <button
          key={p.id}
          className={`activity ${p.id === active ? 'active' : ''}`}
          title={p.title}
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
        title="Open Folder…"
        data-testid="activity-open-folder"
        onClick={onOpenFolder}
      >
        <Icon path={ICONS.folder} />
      </button>
    </nav>
  )
}
