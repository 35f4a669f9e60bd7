import type { Command } from '../commands/commandTypes'
import { bottomPanel, hideBottomPanel, showBottomPanel } from '../workbench/bottomPanelState'
import { terminalManager } from './terminalManager'

const TERMINAL_VIEW = 'terminal'

/** Shows the terminal view and puts the keyboard in it, starting a shell if there is none. */
async function showTerminal(api: Parameters<typeof terminalManager>[0]): Promise<void> {
  showBottomPanel(TERMINAL_VIEW)
  const m = terminalManager(api)
  await m.ensureOne()
  // The panel has just been laid out: fit the screen before the shell draws its prompt.
  requestAnimationFrame(() => {
    m.layout()
    m.focus()
  })
}

/** The integrated terminal's commands, with VS Code's keys. */
export const terminalCommands: Command[] = [
  {
    id: 'terminal.toggle',
    title: 'Toggle Terminal',
    category: 'View',
    keys: ['ctrl+`'],
    // As VS Code: hidden → shown and focused; shown but not focused → focused; focused → hidden.
    run: async ({ api, editor }) => {
      const m = terminalManager(api)
      const s = bottomPanel.get()
      if (s.visible && s.active === TERMINAL_VIEW && m.hasFocus()) {
        hideBottomPanel()
        editor?.focus()
        return
      }
      await showTerminal(api)
    },
  },
  {
    id: 'terminal.new',
    title: 'Create New Terminal',
    category: 'Terminal',
    // Shift+` is `~` on a US keyboard, and the key table compares characters: both are listed.
    keys: ['ctrl+shift+`', 'ctrl+shift+~'],
    run: async ({ api }) => {
      showBottomPanel(TERMINAL_VIEW)
      const m = terminalManager(api)
      await m.attach()
      await m.create()
      requestAnimationFrame(() => m.layout())
    },
  },
  {
    id: 'terminal.kill',
    title: 'Kill the Active Terminal',
    category: 'Terminal',
    enabled: ({ api }) => terminalManager(api).activeId.get() !== undefined,
    run: ({ api }) => terminalManager(api).kill(),
  },
  {
    id: 'terminal.focus',
    title: 'Focus Terminal',
    category: 'Terminal',
    run: ({ api }) => showTerminal(api),
  },
]
