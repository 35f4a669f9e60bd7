import { chatCommands } from '../chat/chatCommands'
import { ChatPanel } from '../chat/ChatPanel'
import { trackEditor } from '../commands/activeEditor'
import { CompletionsSwitchItem } from '../commands/CompletionsSwitchItem'
import { followCompletionsSwitch } from '../commands/completionsSwitch'
import { CompletionStatus } from '../completion/CompletionStatus'
import { registerInlineCompletions } from '../completion/registerInlineCompletions'
import { registerInlineEdit } from '../edit/registerInlineEdit'
import { trackSelection } from '../editor/activeSelection'
import { ExplorerPanel } from '../explorer/ExplorerPanel'
import { explorerCommands } from '../explorer/explorerCommands'
import { registerLanguageFeatures } from '../language/registerLanguageFeatures'
import { PerfPanel } from '../perf/PerfPanel'
import { ResourceStatusItem } from '../perf/ResourceStatusItem'
import { BranchStatusItem } from '../scm/BranchStatusItem'
import { gitCommands } from '../scm/gitCommands'
import { ScmPanel } from '../scm/ScmPanel'
import { IndexStatus } from '../search/IndexStatus'
import { BackendStatus } from '../settings/BackendStatus'
import { trackViewState } from '../session/trackViewState'
import { SettingsPanel } from '../settings/SettingsPanel'
import { terminalCommands } from '../terminal/terminalCommands'
import { TerminalPanel } from '../terminal/TerminalPanel'
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
  { id: 'scm', title: 'Source Control', icon: ICONS.branch, component: ScmPanel },
  { id: 'chat', title: 'Chat', icon: ICONS.chat, component: ChatPanel },
  { id: 'perf', title: 'Performance', icon: ICONS.gauge, component: PerfPanel },
  { id: 'settings', title: 'Settings', icon: ICONS.settings, component: SettingsPanel },
]

export const statusItems: StatusItem[] = [
  { id: 'branch', side: 'left', component: BranchStatusItem },
  { id: 'backends', side: 'right', component: BackendStatus },
  { id: 'index', side: 'right', component: IndexStatus },
  { id: 'model', side: 'right', component: CompletionStatus },
  { id: 'completions-switch', side: 'right', component: CompletionsSwitchItem },
  { id: 'resources', side: 'right', component: ResourceStatusItem },
]

export const editorContributions: EditorContribution[] = [
  registerInlineCompletions,
  trackSelection,
  registerInlineEdit,
  trackEditor,
  followCompletionsSwitch,
  trackViewState,
  registerLanguageFeatures,
]

/** Views in the panel under the editor, in tab order. */
export const bottomPanels: BottomPanel[] = [{ id: 'terminal', title: 'Terminal', component: TerminalPanel }]

/** Each feature's commands (declared in its own folder); the palette and keybindings derive from these. */
export const commandContributions: readonly (readonly Command[])[] = [
  gitCommands,
  explorerCommands,
  terminalCommands,
  chatCommands,
]
