import type { HearthApi } from '@shared/contract'
import type { editor as MonacoEditor } from 'monaco-editor'
import type { FilePosition } from '../workbench/contributionTypes'

/**
 * What a command may touch when it runs. Feature state that is not here (the terminal's list,
 * the git view's selection…) lives in that feature's own module and the command reaches it there.
 */
export interface CommandContext {
  api: HearthApi
  /** Opens a workspace-relative file in the editor, optionally at a 1-based position. */
  openFile(path: string, at?: FilePosition): void
  /** Shows a sidebar panel by id ('explorer', 'search', 'chat', 'scm', …). */
  showPanel(id: string): void
  /** The file shown in the editor, if any. */
  activePath: string | undefined
  /** The editor, once Monaco has loaded. */
  editor: MonacoEditor.IStandaloneCodeEditor | undefined
  /** How the command was asked for: by its key, or picked in the palette. */
  source: 'key' | 'palette'
  /**
   * The element that had keyboard focus when the command was asked for; for a palette pick, the
   * one that had it before the palette opened. A command on a focused view (the explorer's
   * selection) reads it here: document.activeElement may by then be the palette or the editor.
   */
  focused: Element | null
}

/**
 * One command, declared once: the palette, the keyboard-shortcuts view, the keybinding table and
 * menus all derive from this. Ids are `area.verb` ('terminal.new', 'git.commit', 'file.rename').
 */
export interface Command {
  id: string
  /** As the palette shows it after the category: 'New Terminal'. */
  title: string
  /** 'File', 'View', 'Terminal', 'Git', 'Search', 'Chat', 'Completions', 'Models', 'Index'… */
  category: string
  /**
   * Default keys, in keybindings.ts syntax: 'mod+shift+p', 'ctrl+`', chords 'mod+k mod+o'.
   * `mod` is Cmd on macOS, Ctrl elsewhere. VS Code's defaults where VS Code has the command.
   */
  keys?: readonly string[]
  /**
   * The keys are the editor's own binding (a Monaco action's, e.g. Ctrl+I for inline edit): they
   * are listed in the palette, the shortcuts view and the docs, but the workbench leaves them to
   * Monaco, which runs them only while the editor has focus.
   */
  keysInEditor?: boolean
  /** Hidden from the palette (and its keys ignored) while this says false. */
  enabled?(ctx: CommandContext): boolean
  run(ctx: CommandContext): void | Promise<void>
}
