import type { ITheme } from '@xterm/xterm'

// VS Code's Dark Modern / Light Modern terminal colours, so the panel matches the editor beside it.
const DARK: ITheme = {
  background: '#181818',
  foreground: '#cccccc',
  cursor: '#cccccc',
  selectionBackground: '#264f78',
  black: '#000000',
  red: '#cd3131',
  green: '#0dbc79',
  yellow: '#e5e510',
  blue: '#2472c8',
  magenta: '#bc3fbc',
  cyan: '#11a8cd',
  white: '#e5e5e5',
  brightBlack: '#666666',
  brightRed: '#f14c4c',
  brightGreen: '#23d18b',
  brightYellow: '#f5f543',
  brightBlue: '#3b8eea',
  brightMagenta: '#d670d6',
  brightCyan: '#29b8db',
  brightWhite: '#e5e5e5',
}

const LIGHT: ITheme = {
  background: '#f8f8f8',
  foreground: '#3b3b3b',
  cursor: '#005fb8',
  selectionBackground: '#add6ff',
  black: '#000000',
  red: '#cd3131',
  green: '#107c10',
  yellow: '#949800',
  blue: '#0451a5',
  magenta: '#bc05bc',
  cyan: '#0598bc',
  white: '#555555',
  brightBlack: '#666666',
  brightRed: '#cd3131',
  brightGreen: '#14ce14',
  brightYellow: '#b5ba00',
  brightBlue: '#0451a5',
  brightMagenta: '#bc05bc',
  brightCyan: '#0598bc',
  brightWhite: '#a5a5a5',
}

const query = '(prefers-color-scheme: dark)'

export function terminalTheme(): ITheme {
  return typeof matchMedia === 'function' && matchMedia(query).matches ? DARK : LIGHT
}

/** Calls `apply` with the theme now and whenever the OS switches light / dark (the app chrome follows the OS too). */
export function followTerminalTheme(apply: (theme: ITheme) => void): () => void {
  apply(terminalTheme())
  if (typeof matchMedia !== 'function') return () => undefined
  const mql = matchMedia(query)
  const onChange = (): void => apply(terminalTheme())
  mql.addEventListener('change', onChange)
  return () => mql.removeEventListener('change', onChange)
}
