import type { terminalMethods } from '@shared/contract/terminal'
import type { HandlersFor } from '../rpc/handlers'
import type { TerminalService } from './terminalService'

/** The terminal slice of the handler table: thin, all logic lives in the service. */
export function terminalHandlers(svc: TerminalService): HandlersFor<keyof typeof terminalMethods> {
  return {
    'terminal.create': ({ cols, rows }) => svc.create({ cols, rows }),
    'terminal.input': ({ id, data }) => {
      svc.input(id, data)
      return {}
    },
    'terminal.resize': ({ id, cols, rows }) => {
      svc.resize(id, cols, rows)
      return {}
    },
    'terminal.kill': ({ id }) => {
      // Answered at once; `terminal.exit` follows when the shell is gone.
      void svc.kill(id)
      return {}
    },
    'terminal.list': () => svc.list(),
    'terminal.replay': ({ id }) => svc.replay(id),
  }
}
