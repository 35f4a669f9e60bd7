import { isIP } from 'node:net'
import { HearthError } from '@shared/errors'

/** An address a policy answers for a name itself, as `dns.lookup` would with `all: true`. */
export interface LocalAddress {
  address: string
  family: 4 | 6
}

/**
 * Decides which hosts the core may talk to. HttpClient asks it three times: on the URL before
 * any socket exists, on each host name before the system resolver is asked (a DNS query is
 * itself traffic that leaves the machine), and on every address DNS returns before connecting —
 * so a name that resolves to a public address cannot slip past a loopback-only rule either. The
 * offline profile installs `loopbackOnlyPolicy`; everything else uses `allowAllPolicy`.
 */
export interface ConnectionPolicy {
  readonly name: string
  /** Throws HearthError('forbidden') to refuse. `url.hostname` may be a name or an IP literal. */
  checkUrl(url: URL): void
  /**
   * Before the system resolver: the addresses to use for `hostname` without asking it, or
   * undefined to let it resolve the name. Throws HearthError('forbidden') to refuse the name
   * unresolved. Absent: the resolver answers.
   */
  resolveLocally?(hostname: string): readonly LocalAddress[] | undefined
  /** Throws HearthError('forbidden') to refuse a resolved address of `hostname`. */
  checkAddress(hostname: string, address: string): void
}

export const allowAllPolicy: ConnectionPolicy = {
  name: 'allow-all',
  checkUrl: () => undefined,
  checkAddress: () => undefined,
}

const unbracket = (host: string): string =>
  host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string): boolean {
  const a = unbracket(address)
  if (isIP(a) === 4) return a.startsWith('127.')
  if (isIP(a) === 6) {
    const lower = a.toLowerCase()
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
    return mapped?.[1] !== undefined && mapped[1].startsWith('127.')
  }
  return false
}

/** `localhost` and `*.localhost`: loopback by definition (RFC 6761), whatever a resolver says. */
function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase()
  return h === 'localhost' || h.endsWith('.localhost')
}

/** A URL host that is loopback without a DNS lookup: `localhost`, `*.localhost` or a loopback IP. */
export function isLoopbackHostname(host: string): boolean {
  return isLocalhostName(host) || isLoopbackAddress(host)
}

/**
 * Why the offline profile refuses this URL without trying, or undefined: any host but a loopback
 * literal or a localhost name, which are never resolved (a DNS query for "dgx.lan" would itself
 * leave the machine). The router and the remote probes use it to mark endpoints blocked.
 */
export function offlineRefusal(url: string | undefined): string | undefined {
  if (!url) return undefined
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    return `offline profile: ${url} is not a valid URL`
  }
  if (isLoopbackHostname(host)) return undefined
  return `offline profile: ${host} is not a loopback address; not contacted`
}

/**
 * What a localhost name stands for under the offline profile. IPv4 first: local servers
 * (Ollama, llama.cpp) listen on 127.0.0.1 by default, and Node tries the next address when one
 * is refused.
 */
const LOOPBACK: readonly LocalAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
]

function refuse(host: string, message: string, extra: Record<string, string> = {}): never {
  throw new HearthError('forbidden', message, { reason: 'policy', host, ...extra })
}

/**
 * Only loopback, decided without the system resolver: IP literals must be loopback, `localhost`
 * and `*.localhost` are answered here with 127.0.0.1 and ::1 (a hosts file or DNS server that
 * says otherwise is not asked), and every other name is refused before it is resolved.
 */
export const loopbackOnlyPolicy: ConnectionPolicy = {
  name: 'loopback-only',
  checkUrl(url) {
    const host = url.hostname
    if (isLoopbackHostname(host)) return
    if (isIP(unbracket(host)) !== 0) {
      refuse(host, `offline profile: connection to ${host} refused (loopback only)`)
    }
    refuse(
      host,
      `offline profile: ${host} is not a loopback address; not resolved or contacted (loopback only: 127.0.0.1, ::1 or localhost)`,
    )
  },
  resolveLocally(hostname) {
    const host = unbracket(hostname)
    if (isLocalhostName(host)) return LOOPBACK
    if (isLoopbackAddress(host)) return [{ address: host, family: isIP(host) === 6 ? 6 : 4 }]
    refuse(hostname, `offline profile: ${hostname} is not resolved (loopback only)`)
  },
  checkAddress(hostname, address) {
    if (!isLoopbackAddress(address)) {
      refuse(
        hostname,
        `offline profile: ${hostname} resolves to ${address}, not a loopback address; connection refused`,
        { address },
      )
    }
  },
}
