import type { Monaco } from './monacoSetup'

let loading: Promise<Monaco> | undefined

/**
 * Monaco is the bulk of the bundle: it loads as its own chunk, started at boot in parallel with
 * the connection and the first workspace calls, so the shell paints before the editor is parsed.
 */
export function loadMonaco(): Promise<Monaco> {
  loading ??= import('./monacoSetup').then((m) => m.monaco)
  return loading
}
