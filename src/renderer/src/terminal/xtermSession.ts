import { FitAddon } from '@xterm/addon-fit'
import { WebLinksAddon } from '@xterm/addon-web-links'
import { Terminal, type ITheme } from '@xterm/xterm'
import '@xterm/xterm/css/xterm.css'
import type { FilePosition } from '../workbench/contributionTypes'
import { findFileLinks, workspaceRelative } from './fileLinks'
import { keepShellKeys } from './shellKeys'
import { attachClipboardKeys } from './terminalKeys'

export interface XtermSessionOptions {
  /** Where the shell started: relative paths in its output are read against it. */
  cwd: string
  theme: ITheme
  onInput(data: string): void
  onResize(cols: number, rows: number): void
  openFile(path: string, at: FilePosition): void
}

/**
 * One xterm.js screen (this module is loaded at the first terminal, so xterm stays out of the
 * start-up bundle). Its element lives as long as the terminal: the panel moves and hides it, and
 * never re-creates it, so the screen survives hiding the panel.
 */
export class XtermSession {
  readonly element: HTMLDivElement
  private readonly term: Terminal
  private readonly fitAddon = new FitAddon()
  private opened = false
  private readonly releaseKeys: () => void

  constructor(private readonly o: XtermSessionOptions) {
    this.element = document.createElement('div')
    this.element.className = 'terminal-instance'
    const mono = getComputedStyle(document.documentElement).getPropertyValue('--mono').trim()
    this.term = new Terminal({
      fontFamily: mono || 'monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: o.theme,
      allowProposedApi: false,
    })
    this.term.loadAddon(this.fitAddon)
    // http(s) URLs open in a new browser tab (Electron hands them to the system browser).
    this.term.loadAddon(
      new WebLinksAddon((_e, uri) => void window.open(uri, '_blank', 'noopener,noreferrer')),
    )
    this.term.registerLinkProvider({
      provideLinks: (y, done) => {
        const text = this.term.buffer.active.getLine(y - 1)?.translateToString(true) ?? ''
        const links = findFileLinks(text).flatMap((m) => {
          const path = workspaceRelative(m.path, o.cwd)
          if (!path) return []
          return [
            {
              range: { start: { x: m.start + 1, y }, end: { x: m.end, y } },
              text: text.slice(m.start, m.end),
              activate: () => o.openFile(path, { line: m.line, column: m.column ?? 1 }),
            },
          ]
        })
        done(links.length ? links : undefined)
      },
    })
    attachClipboardKeys(this.term)
    this.releaseKeys = keepShellKeys(this.element, (d) => o.onInput(d))
    this.term.onData((d) => o.onInput(d))
    this.term.onResize(({ cols, rows }) => o.onResize(cols, rows))
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.term.cols, rows: this.term.rows }
  }

  write(data: string): void {
    this.term.write(data)
  }

  /** Clears the screen before a replay of the core's scrollback. */
  reset(): void {
    this.term.reset()
  }

  setTheme(theme: ITheme): void {
    this.term.options.theme = theme
  }

  /** Opens xterm in its element once it is in the page and visible, then fits it to the panel. */
  layout(): void {
    if (!this.element.isConnected || this.element.offsetParent === null) return
    if (!this.opened) {
      this.term.open(this.element)
      this.opened = true
    }
    this.fitAddon.fit()
  }

  focus(): void {
    this.term.focus()
  }

  hasFocus(): boolean {
    return this.element.contains(document.activeElement)
  }

  dispose(): void {
    this.releaseKeys()
    this.term.dispose()
    this.element.remove()
  }
}
