/** What the UI shows about the link to the core. Electron IPC is always 'open'. */
export type ConnectionState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open' }
  | { kind: 'disconnected'; attempt: number; retryInMs: number; reason: string }
