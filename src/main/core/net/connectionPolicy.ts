import { isIP } from 'node:net'
import { HearthError } from '@shared/errors'

/**
 * Decides which hosts the core may talk to. Checked twice by HttpClient: on the URL before any
 * socket exists, and on every address DNS returns before connecting — so a name that resolves to
 * a public address cannot slip past a loopback-only rule. The offline profile installs
 * `loopbackOnlyPolicy`; everything else uses `allowAllPolicy`.
 */
export interface ConnectionPolicy {
  readonly name: string
  /** Throws HearthError('forbidden') to refuse. `url.hostname` may be a name or an IP literal. */
  checkUrl(url: URL): void
  /** Throws HearthError('forbidden') to refuse a resolved address of `hostname`. */
  checkAddress(hostname: string, address: string): void
}

export const allowAllPolicy: ConnectionPolicy = {
  name: 'allow-all',
  checkUrl: () => undefined,
  checkAddress: () => undefined,
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  if (isIP(a) === 4) return a.startsWith('127.')
  if (isIP(a) === 6) {
    const lower = a.toLowerCase()
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
    return mapped?.[1] !== undefined && mapped[1].startsWith('127.')
  }
  return false
}

/** A URL host that is loopback without a DNS lookup: `localhost`, `*.localhost` or a loopback IP. */
export function isLoopbackHostname(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || isLoopbackAddress(host)
}

/**
 * Why the offline profile refuses this URL without trying, or undefined. Stricter than
 * `loopbackOnlyPolicy`: host names other than localhost are not even resolved, because a DNS
 * query for "dgx.lan" would itself leave the machine. The router and the remote probes use it.
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

/** Only loopback: names other than `localhost` must resolve to loopback addresses too. */
export const loopbackOnlyPolicy: ConnectionPolicy = {
  name: 'loopback-only',
  checkUrl(url) {
    const host = url.hostname
    if (isLoopbackHostname(host)) return
    if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) {
      throw new HearthError('forbidden', `offline profile: connection to ${host} refused (loopback only)`, {
        reason: 'policy',
        host,
      })
    }
    // A name: allowed to resolve, but every address is checked before connecting.
  },
  checkAddress(hostname, address) {
    if (!isLoopbackAddress(address)) {
      throw new HearthError(
        'forbidden',
        `offline profile: ${hostname} resolves to ${address}, not a loopback address; connection refused`,
        { reason: 'policy', host: hostname, address },
      )
    }
  },
}
