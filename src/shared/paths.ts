/*
 * Workspace-relative path helpers shared by the core and the renderer (pure: no node:path, which
 * the browser lacks). Paths are '/'-separated and relative to the workspace root.
 */

/**
 * The part of `path` after `base`: '' for `base` itself, '/x' below it, null when it is not under
 * it (`srcx/a.ts` is not under `src`).
 */
export function pathUnder(path: string, base: string): string | null {
  if (path === base) return ''
  return path.startsWith(`${base}/`) ? path.slice(base.length) : null
}
