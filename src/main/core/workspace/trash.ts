/**
 * Where a delete goes when it is not permanent. The system trash in the app (`systemTrash`); a test
 * may point the real one at a temp folder through XDG_DATA_HOME instead of replacing it.
 */
export interface TrashPort {
  /**
   * Moves the entry at `abs` (a real absolute path; a link is moved as a link) to the trash. Throws
   * when there is no usable trash (headless machine with no writable trash folder, a volume without one).
   */
  trash(abs: string): Promise<void>
}

/**
 * The `trash` package: the freedesktop.org trash on Linux (`~/.local/share/Trash`, or the volume's
 * `.Trash-<uid>`), the Finder's on macOS, the Recycle Bin on Windows. Loaded on first use: the CLI
 * and most sessions never delete anything.
 */
export const systemTrash: TrashPort = {
  async trash(abs: string): Promise<void> {
    const { default: trash } = await import('trash')
    // glob: false — a file named `[id].tsx` or `*.log` must be that file, not a pattern.
    await trash(abs, { glob: false })
  },
}
