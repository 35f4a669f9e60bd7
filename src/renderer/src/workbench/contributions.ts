import { ExplorerPanel } from '../explorer/ExplorerPanel'
import type { EditorContribution, SidebarPanel, StatusItem } from './contributionTypes'
import { ICONS } from './icons'
import { PlaceholderPanel } from './PlaceholderPanel'

/**
 * Plug points: everything the workbench mounts from other folders is listed here, so adding a
 * feature is one line. Order = order in the activity bar / status bar.
 *   search:     { id: 'search', …, component: SearchPanel } and { id: 'index', side: 'right', component: IndexStatus }
 *   perf:       { id: 'perf', …, component: PerfPanel } and its status item
 *   completion: editorContributions.push(registerInlineCompletions)
 */
export const sidebarPanels: SidebarPanel[] = [
  { id: 'explorer', title: 'Explorer', icon: ICONS.files, component: ExplorerPanel },
  { id: 'search', title: 'Search', icon: ICONS.search, component: PlaceholderPanel },
]

export const statusItems: StatusItem[] = []

export const editorContributions: EditorContribution[] = []
