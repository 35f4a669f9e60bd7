import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { publicEnv } from '../base/childEnv'

export interface ShellCommand {
  file: string
  args: string[]
  /** For the tab: 'bash', 'zsh', 'pwsh'. */
  title: string
}

/**
 * The user's shell, as their own terminal would start it: $SHELL on Unix (else bash, else sh),
 * PowerShell on Windows (pwsh when installed, else Windows PowerShell, else %ComSpec%). On macOS
 * the shell is a login shell (`-l`), as Terminal.app and VS Code start it there, so the profile's
 * PATH applies; on Linux an interactive one, as VS Code (the desktop session already ran the
 * profile).
 */
export function userShell(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  exists: (path: string) => boolean = existsSync,
): ShellCommand {
  if (platform === 'win32') {
    const root = env.SystemRoot ?? 'C:\\Windows'
    const pwsh = [env.ProgramFiles && `${env.ProgramFiles}\\PowerShell\\7\\pwsh.exe`].find(
      (p): p is string => !!p && exists(p),
    )
    if (pwsh) return { file: pwsh, args: ['-NoLogo'], title: 'pwsh' }
    const windowsPowerShell = `${root}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`
    if (exists(windowsPowerShell)) return { file: windowsPowerShell, args: ['-NoLogo'], title: 'powershell' }
    return { file: env.ComSpec ?? `${root}\\System32\\cmd.exe`, args: [], title: 'cmd' }
  }
  const candidates = [env.SHELL, '/bin/bash', '/bin/sh'].filter((p): p is string => !!p && p.startsWith('/'))
  const file = candidates.find((p) => exists(p)) ?? '/bin/sh'
  return { file, args: platform === 'darwin' ? ['-l'] : [], title: basename(file) }
}

/**
 * The shell's environment: the user's own, minus what is Hearth's alone (tokens for model
 * servers, Electron's switches that would make a child `electron` behave as Node), plus what a
 * terminal promises its programs (TERM, COLORTERM).
 */
export function terminalEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out = publicEnv(env)
  out.TERM = 'xterm-256color'
  out.COLORTERM = 'truecolor'
  out.TERM_PROGRAM = 'hearth'
  return out
}
