import type { Command } from '../command'
import { serveCommand } from './serve'

/** Every `hearth` sub-command, in the order `--help` lists them. */
export const commands: Command[] = [serveCommand]
