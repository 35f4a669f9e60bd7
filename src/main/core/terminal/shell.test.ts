import { describe, expect, it } from 'vitest'
import { terminalEnv, userShell } from './shell'

describe('userShell', () => {
  const only =
    (...paths: string[]) =>
    (p: string) =>
      paths.includes(p)

  it('takes $SHELL when it exists, else bash, else sh; a login shell on macOS only', () => {
    expect(userShell({ SHELL: '/usr/bin/zsh' }, 'linux', only('/usr/bin/zsh', '/bin/bash'))).toEqual({
      file: '/usr/bin/zsh',
      args: [],
      title: 'zsh',
    })
    expect(userShell({ SHELL: '/nix/fish' }, 'linux', only('/bin/bash')).file).toBe('/bin/bash')
    expect(userShell({}, 'linux', only('/bin/sh')).file).toBe('/bin/sh')
    expect(userShell({ SHELL: 'zsh' }, 'linux', only('/bin/bash', 'zsh')).file).toBe('/bin/bash')
    expect(userShell({ SHELL: '/bin/zsh' }, 'darwin', only('/bin/zsh')).args).toEqual(['-l'])
  })

  it('prefers pwsh, then Windows PowerShell, then cmd on Windows', () => {
    const env = {
      ProgramFiles: 'C:\\Program Files',
      SystemRoot: 'C:\\Windows',
      ComSpec: 'C:\\Windows\\system32\\cmd.exe',
    }
    const pwsh = 'C:\\Program Files\\PowerShell\\7\\pwsh.exe'
    const ps = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'
    expect(userShell(env, 'win32', only(pwsh, ps)).title).toBe('pwsh')
    expect(userShell(env, 'win32', only(ps)).title).toBe('powershell')
    expect(userShell(env, 'win32', only())).toEqual({ file: env.ComSpec, args: [], title: 'cmd' })
  })
})

describe('terminalEnv', () => {
  it("keeps the user's variables, drops Hearth's secrets and Electron's switches, sets TERM", () => {
    const env = terminalEnv({
      PATH: '/usr/bin',
      HOME: '/home/u',
      TERM: 'dumb',
      HEARTH_TOKEN_OLLAMA: 'x',
      hearth_token_vllm: 'y',
      HEARTH_SERVE_TOKEN: 'z',
      HEARTH_DATA_DIR: '/d',
      ELECTRON_RUN_AS_NODE: '1',
      NODE_CHANNEL_FD: '3',
    })
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/u',
      HEARTH_DATA_DIR: '/d',
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      TERM_PROGRAM: 'hearth',
    })
  })
})
