import type { Command } from '../command'
import { askCommand } from './askCmd'
import { backendsCommand } from './backends'
import { completeCommand } from './complete'
import { indexCommand } from './indexCmd'
import { indexesCommand } from './indexesCmd'
import { modelsCommand } from './modelsCmd'
import { searchCommand } from './searchCmd'
import { serveCommand } from './serve'

/** Every `hearth` sub-command, in the order `--help` lists them. */
export const commands: Command[] = [
  serveCommand,
  indexCommand,
  searchCommand,
  askCommand,
  indexesCommand,
  completeCommand,
  backendsCommand,
  modelsCommand,
]
