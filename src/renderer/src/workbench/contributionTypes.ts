import type { ComponentType } from 'react'
import type { HearthApi } from '@shared/contract'
import type { editor as MonacoEditor, IDisposable } from 'monaco-editor'
import type { Monaco } from '../monaco/monacoSetup'

export interface FilePosition {
  line: number
  column: number
}

/** What a sidebar panel (Explorer, Search, Performance…) receives. */
export interface PanelProps {
  api: HearthApi
  /** Opens a file in the editor (workspace-relative path), optionally at a 1-based line/column. */
  openFile: (path: string, at?: FilePosition) => void
  /** False while another panel is shown (panels stay mounted to keep their state). */
  visible: boolean
  /** The file shown in the editor, if any. */
  activePath: string | undefined
  /** Shows another sidebar panel by id (e.g. the chat's "Set up a chat model" opens 'settings'). */
  showPanel?: (id: string) => void
}

export interface SidebarPanel {
  id: string
  title: string
  /** A small inline SVG path (24×24 viewBox) for the activity bar. */
  icon: string
  component: ComponentType<PanelProps>
}

/** A status bar item (index state, model state, perf…). Rendered in a fixed slot with `data-testid="status-slot-<id>"`. */
export interface StatusItem {
  id: string
  side: 'left' | 'right'
  component: ComponentType<{ api: HearthApi; openPanel(id: string): void }>
}

/**
 * Runs once when the editor is created, e.g. `registerInlineCompletions(monaco, editor, api)`.
 * Return a disposable (or nothing); it is disposed with the editor.
 */
export type EditorContribution = (
  monaco: Monaco,
  editor: MonacoEditor.IStandaloneCodeEditor,
  api: HearthApi,
) => IDisposable | void

/**
 * A view in the panel under the editor (terminals, later problems/output). Shown and hidden as a
 * whole (Ctrl+J); its component stays mounted while hidden so sessions keep their state.
 */
export interface BottomPanel {
  id: string
  title: string
  component: ComponentType<PanelProps>
}
