import { ChatPanel } from '../chat/ChatPanel'
import { CompletionStatus } from '../completion/CompletionStatus'
import { registerInlineCompletions } from '../completion/registerInlineCompletions'
import { registerInlineEdit } from '../edit/registerInlineEdit'
import { trackSelection } from '../editor/activeSelection'
import { ExplorerPanel } from '../explorer/ExplorerPanel'
import { PerfPanel } from '../perf/PerfPanel'
import { ResourceStatusItem } from '../perf/ResourceStatusItem'
import { IndexStatus } from '../search/IndexStatus'
import { BackendStatus } from '../settings/BackendStatus'
import { SettingsPanel } from '../settings/SettingsPanel'
import type { Command } from '../commands/commandTypes'
import type { BottomPanel, EditorContribution, SidebarPanel, StatusItem } from './contributionTypes'
import { ICONS } from './icons'
import { SearchSidebar } from './SearchSidebar'

/**
 * Plug points: everything the workbench mounts from other folders is listed here, so adding a
 * feature is one line. Order = order in the activity bar / status bar. Sidebar panels get
 * PanelProps; status items get { api, openPanel }; editor contributions run once per editor.
 */
export const sidebarPanels: SidebarPanel[] = [
  { id: 'explorer', title: 'Explorer', icon: ICONS.files, component: ExplorerPanel },
  { id: 'search', title: 'Search', icon: ICONS.search, component: SearchSidebar },
  { id: 'chat', title: 'Chat', icon: ICONS.chat, component: ChatPanel },
  { id: 'perf', title: 'Performance', icon: ICONS.gauge, component: PerfPanel },
  { id: 'settings', title: 'Settings', icon: ICONS.settings, component: SettingsPanel },
]

export const statusItems: StatusItem[] = [
  { id: 'backends', side: 'right', component: BackendStatus },
  { id: 'index', side: 'right', component: IndexStatus },
  { id: 'model', side: 'right', component: CompletionStatus },
  { id: 'resources', side: 'right', component: ResourceStatusItem },
]

export const editorContributions: EditorContribution[] = [
  registerInlineCompletions,
  trackSelection,
  registerInlineEdit,
]

/** Views in the panel under the editor, in tab order. */
export const bottomPanels: BottomPanel[] = []

/** Each feature's commands (declared in its own folder); the palette and keybindings derive from these. */
export const commandContributions: readonly (readonly Command[])[] = []
