import { HearthError } from '@shared/errors'
import { UsageError } from './command'
import { describeError } from '../core/index/store/storeErrors'
import { commands } from './commands'
import { defaultDataDir } from '../core/files/dataDir'
import { applyProfileNetworkPolicy } from '../core/router/profileNetworkPolicy'

export const VERSION = '0.1.0'

function help(): string {
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
    process.stdout.write(help() + '\n')
    return name ? 0 : 2
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(VERSION + '\n')
    return 0
  }
  const cmd = commands.find((c) => c.name === name)
  if (!cmd) {
    process.stderr.write(`hearth: unknown command "${name}"\n\n${help()}\n`)
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
