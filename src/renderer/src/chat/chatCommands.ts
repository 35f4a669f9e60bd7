import type { Command } from '../commands/commandTypes'
import { requestView } from '../commands/requests'

const ADD_SELECTION = 'hearth:chat:add-selection'

/** Asks the chat panel to add the editor's selection as a chip (the panel owns its chips). */
export function onAddSelectionRequest(listener: () => void): () => void {
  window.addEventListener(ADD_SELECTION, listener)
  return () => window.removeEventListener(ADD_SELECTION, listener)
}

/** The chat's commands: ask, a new conversation, the selection as context, inline edit (Ctrl+I). */
export const chatCommands: readonly Command[] = [
  {
    id: 'chat.ask',
    category: 'Chat',
    title: 'Ask About This Folder',
    run: (ctx) => ctx.showPanel('chat'),
  },
  {
    id: 'chat.new',
    category: 'Chat',
    title: 'New Conversation',
    run: (ctx) => {
      ctx.showPanel('chat')
      requestView('chat.new', undefined)
    },
  },
  {
    id: 'chat.addSelection',
    category: 'Chat',
    title: 'Add Selection to Chat',
    enabled: (ctx) => ctx.activePath !== undefined,
    run: (ctx) => {
      ctx.showPanel('chat')
      // After the panel is shown (it may mount now): the selection is read from the editor then.
      requestAnimationFrame(() => window.dispatchEvent(new Event(ADD_SELECTION)))
    },
  },
  {
    id: 'chat.inlineEdit',
    category: 'Chat',
    title: 'Edit Selection with AI',
    keys: ['mod+i'],
    keysInEditor: true,
    enabled: (ctx) => ctx.editor !== undefined && ctx.activePath !== undefined,
    run: (ctx) => {
      ctx.editor?.focus()
      void ctx.editor?.getAction('hearth.inlineEdit')?.run()
    },
  },
]
