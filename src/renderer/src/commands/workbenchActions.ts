import type { CommandContext } from './commandTypes'

export interface PickItem {
  label: string
  /** Dimmed text beside the label. */
  detail?: string
}

/** What only the workbench itself can do (its own state): the workbench commands reach it here. */
export interface WorkbenchActions {
  quickOpen(prefix?: string): void
  openFolder(): void
  save(): void
  saveAll(): void
  closeActive(): void
  closeAll(): void
  cycleTab(step: 1 | -1): void
  toggleSidebar(): void
  togglePanel(): void
  /** Whether any view lives in the panel under the editor (Toggle Panel has nothing to show otherwise). */
  hasBottomPanel(): boolean
  showKeyboardShortcuts(): void
  /** A list to pick from (palette style); resolves with the pick, or undefined on Escape. */
  pick<T extends PickItem>(items: readonly T[], placeholder: string): Promise<T | undefined>
  /** Shows lines of information in the palette's place (Escape or Enter closes). */
  showInfo(title: string, lines: readonly string[]): void
  /** Returns keyboard focus to the editor (after a dialog closed). */
  focusEditor(): void
}

/** The context the workbench hands every command: a CommandContext with the workbench's own actions. */
export interface WorkbenchContext extends CommandContext {
  workbench: WorkbenchActions
}

export function workbenchOf(ctx: CommandContext): WorkbenchActions {
  const wb = (ctx as Partial<WorkbenchContext>).workbench
  if (!wb) throw new Error('this command runs only in the workbench')
  return wb
}
