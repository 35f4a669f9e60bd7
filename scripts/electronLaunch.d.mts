export declare function electronDir(): string | undefined
export declare function electronBinary(dir: string | undefined): string | undefined
export declare function installElectron(
  dir: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ ok: true } | { ok: false; reason: string }>
export declare function hasDisplay(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): boolean
export type LaunchChoice = { app: 'electron'; bin: string } | { app: 'browser'; why: string; fix?: string }
export declare function chooseLaunch(opts?: {
  dir?: string | undefined
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  log?: (line: string) => void
}): Promise<LaunchChoice>
