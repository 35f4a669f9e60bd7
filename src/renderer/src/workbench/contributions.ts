import { CompletionStatus } from '../completion/CompletionStatus'
import { registerInlineCompletions } from '../completion/registerInlineCompletions'
import { ExplorerPanel } from '../explorer/ExplorerPanel'
import { PerfPanel } from '../perf/PerfPanel'
import { ResourceStatusItem } from '../perf/ResourceStatusItem'
import { BackendStatus } from '../settings/BackendStatus'
import { SettingsPanel } from '../settings/SettingsPanel'
import type { EditorContribution, SidebarPanel, StatusItem } from './contributionTypes'
import { ICONS } from './icons'
import { PlaceholderPanel } from './PlaceholderPanel'

/**
 * Plug points: everything the workbench mounts from other folders is listed here, so adding a
 * feature is one line. Order = order in the activity bar / status bar.
 *   search:     { id: 'search', …, component: SearchPanel } and { id: 'index', side: 'right', component: IndexStatus }
 *   completion: editorContributions = [registerInlineCompletions] and { id: 'model', side: 'right', component: … }
 */
export const sidebarPanels: SidebarPanel[] = [
  { id: 'explorer', title: 'Explorer', icon: ICONS.files, component: ExplorerPanel },
  { id: 'search', title: 'Search', icon: ICONS.search, component: PlaceholderPanel },
  { id: 'perf', title: 'Performance', icon: ICONS.gauge, component: PerfPanel },
  { id: 'settings', title: 'Settings', icon: ICONS.settings, component: SettingsPanel },
]

export const statusItems: StatusItem[] = [
  { id: 'backends', side: 'right', component: BackendStatus },
  { id: 'model', side: 'right', component: CompletionStatus },
  { id: 'resources', side: 'right', component: ResourceStatusItem },
]

export const editorContributions: EditorContribution[] = [registerInlineCompletions]
