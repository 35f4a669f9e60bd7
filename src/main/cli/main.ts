import { HearthError } from '@shared/errors'
import { type Command, UsageError } from './command'
import { describeError } from '../core/index/store/storeErrors'
import { defaultDataDir } from '../core/files/dataDir'
import { applyProfileNetworkPolicy } from '../core/router/profileNetworkPolicy'

export const VERSION = '0.1.0'

/**
 * Commands loaded alone, without every other command's dependencies (the server, the model
 * manager, the resource monitor: ≈0.3 s of module loading). `hearth search` answered by a running
 * Hearth takes a few milliseconds, so its wall time is mostly this process's start; `hearth
 * index` of a small project is most of it a time to searchable that start-up counts in.
 */
const LOAD_ALONE = new Map<string, () => Promise<Command>>([
  ['search', async () => (await import('./commands/searchCmd')).searchCommand],
  ['index', async () => (await import('./commands/indexCmd')).indexCommand],
])

async function allCommands(): Promise<Command[]> {
  return (await import('./commands')).commands
}

function help(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    'hearth — local-first AI code editor',
    '',
    'Usage: hearth <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `hearth <command> --help` for a command's options.",
  ].join('\n')
}

/** Runs one CLI invocation; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help(await allCommands()) + '\n')
    return name ? 0 : 2
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(VERSION + '\n')
    return 0
  }
  const alone = LOAD_ALONE.get(name)
  const cmd = alone ? await alone() : (await allCommands()).find((c) => c.name === name)
  if (!cmd) {
    process.stderr.write(`hearth: unknown command "${name}"\n\n${help(await allCommands())}\n`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${cmd.usage}\n`)
    return 0
  }
  try {
    // The active profile's network rule (offline: loopback only) holds for every command.
    await applyProfileNetworkPolicy(defaultDataDir())
    return await cmd.run(rest)
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`hearth ${name}: ${err.message}\n\n${cmd.usage}\n`)
      return 2
    }
    const msg = err instanceof HearthError || err instanceof Error ? err.message : describeError(err)
    process.stderr.write(`hearth ${name}: ${msg}\n`)
    return 1
  }
}
