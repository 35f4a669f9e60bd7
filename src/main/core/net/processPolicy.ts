import { allowAllPolicy, type ConnectionPolicy } from './connectionPolicy'

/** What the process-wide rule needs of a client: its own policy, and a way to reapply it. */
export interface PolicyHolder {
  readonly connectionPolicy: ConnectionPolicy
  /** Switches policy; kept-alive sockets opened under the old rule are closed. */
  setPolicy(policy: ConnectionPolicy): void
}

/**
 * A process-wide floor under every client's own policy (the offline profile, set by the core's
 * routing services): a client created anywhere — an index embedder, a CLI command — obeys it too.
 */
let processPolicy: ConnectionPolicy = allowAllPolicy
const liveClients = new Set<WeakRef<PolicyHolder>>()

export function setProcessConnectionPolicy(policy: ConnectionPolicy): void {
  if (processPolicy === policy) return
  processPolicy = policy
  // Kept-alive sockets were opened under the old rule, and a reused socket skips the DNS check.
  for (const ref of liveClients) {
    const c = ref.deref()
    if (c) c.setPolicy(c.connectionPolicy)
    else liveClients.delete(ref)
  }
}

export const processConnectionPolicy = (): ConnectionPolicy => processPolicy

/** Puts a client under the process-wide rule: a change of it closes the client's kept-alive sockets. */
export function registerClient(ref: WeakRef<PolicyHolder>): void {
  liveClients.add(ref)
}

export function unregisterClient(ref: WeakRef<PolicyHolder>): void {
  liveClients.delete(ref)
}
