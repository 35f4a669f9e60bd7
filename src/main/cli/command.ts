import { parseArgs, type ParseArgsConfig } from 'node:util'

/** One `hearth` sub-command. Each lives in commands/<name>.ts and is listed in commands/index.ts. */
export interface Command {
  name: string
  summary: string
  usage: string
  run(argv: string[]): Promise<number>
}

/** Thrown for bad command-line input: printed as one line plus usage, exit code 2. */
export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  allowPositionals = true,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

export function intOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer in ${min}..${max}`)
  return n
}
