/**
 * What of Hearth's own environment a program it starts must not inherit: the user's shell in the
 * terminal, git and whatever git runs (a repository's hooks and filters, which come with a clone).
 * - Hearth's secrets: tokens for model servers (`HEARTH_TOKEN_*`) and any other `HEARTH_*`
 *   variable named like a secret (`HEARTH_SERVE_TOKEN`, `HEARTH_*_API_KEY`).
 * - Electron's and Node's switches for this process: `ELECTRON_RUN_AS_NODE` would make a child
 *   `electron` (or VS Code's `code`) run as plain Node; a parent Node's IPC channel
 *   (`NODE_CHANNEL_FD`) belongs to Hearth, not to the user's programs.
 */
export function isHearthPrivate(name: string): boolean {
  const n = name.toUpperCase()
  return (
    n.startsWith('HEARTH_TOKEN_') ||
    (n.startsWith('HEARTH_') && /TOKEN|SECRET|PASSWORD|API_KEY/.test(n)) ||
    n === 'ELECTRON_RUN_AS_NODE' ||
    n === 'ELECTRON_NO_ATTACH_CONSOLE' ||
    n === 'NODE_CHANNEL_FD' ||
    n === 'NODE_CHANNEL_SERIALIZATION_MODE'
  )
}

/** The environment without what is Hearth's alone (see isHearthPrivate); unset entries dropped. */
export function publicEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !isHearthPrivate(k)) out[k] = v
  return out
}
