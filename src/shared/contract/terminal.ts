import { z } from 'zod'
import { event, method } from './define'

/** A terminal's id: small integers from 1, never reused while the core runs. */
export const TerminalId = z.number().int().positive()

const Size = {
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
}

export const TerminalInfo = z.object({
  id: TerminalId,
  /** The shell's name ('bash', 'zsh', 'pwsh'), as a tab title. */
  title: z.string(),
  /** The shell's process id (the process group leader on Unix). */
  pid: z.number().int(),
  /** Where it started: the open folder (or the home folder when none is open). */
  cwd: z.string(),
  cols: Size.cols,
  rows: Size.rows,
})
export type TerminalInfo = z.infer<typeof TerminalInfo>

export const terminalMethods = {
  /** Starts the user's shell in a pseudo-terminal; refused (`busy`) past the terminal limit. */
  'terminal.create': method(z.object(Size), TerminalInfo),
  /** Keystrokes and pastes, as xterm.js produces them. */
  'terminal.input': method(z.object({ id: TerminalId, data: z.string().max(1_000_000) }), z.object({})),
  'terminal.resize': method(z.object({ id: TerminalId, ...Size }), z.object({})),
  /** Ends the shell and every process it started (its process group and session). */
  'terminal.kill': method(z.object({ id: TerminalId }), z.object({})),
  /** The running terminals, oldest first (a reloaded page reattaches to them). */
  'terminal.list': method(z.object({}), z.array(TerminalInfo)),
  /**
   * The last output the core kept (bounded), for a page that attaches late. `seq` is the last
   * `terminal.data` chunk it includes: later chunks continue it, earlier ones are already in it.
   */
  'terminal.replay': method(
    z.object({ id: TerminalId }),
    z.object({ data: z.string(), seq: z.number().int() }),
  ),
}

export const terminalEvents = {
  /** Output, batched (a few ms) and capped per event; `seq` counts a terminal's chunks from 1. */
  'terminal.data': event(z.object({ id: TerminalId, seq: z.number().int().positive(), data: z.string() })),
  /** The shell ended (typed `exit`, killed, or its workspace closed). */
  'terminal.exit': event(
    z.object({ id: TerminalId, code: z.number().int().nullable(), signal: z.number().int().nullable() }),
  ),
}
