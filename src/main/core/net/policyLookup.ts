import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import type http from 'node:http'
import type { ConnectionPolicy, LocalAddress } from './connectionPolicy'
import { processConnectionPolicy } from './processPolicy'

export type Lookup = NonNullable<http.RequestOptions['lookup']>

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/**
 * DNS lookup under the policies — the client's own (read at each lookup, so a switch applies at
 * once), then the process-wide one. Both are asked before the system resolver: either may answer
 * the name itself (the offline profile's `localhost`) or refuse it unresolved, so a refused name
 * never becomes a DNS query. Every address, resolved or answered, is checked before connecting.
 */
export function policyLookup(policy: () => ConnectionPolicy): Lookup {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    // Read again once addresses are known: a switch while resolving applies to the answer.
    const rules = (): ConnectionPolicy[] => [policy(), processConnectionPolicy()]
    let local: readonly LocalAddress[] | undefined
    try {
      // Every rule is asked (any may refuse); the first that answers the name itself wins.
      local = rules()
        .map((rule) => rule.resolveLocally?.(hostname))
        .find((a) => a !== undefined)
    } catch (e) {
      const refused = e as NodeJS.ErrnoException
      process.nextTick(() => callback(refused, []))
      return
    }
    if (local) {
      const family = familyOf(options.family)
      const addresses = local.filter((a) => family === 0 || a.family === family)
      // Answered like the resolver would: asynchronously, through the same checks.
      process.nextTick(answer, hostname, options, addresses, rules, callback)
      return
    }
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) callback(err, [])
      else answer(hostname, options, addresses, rules, callback)
    })
  }
}

function answer(
  hostname: string,
  options: LookupOptions,
  addresses: readonly LookupAddress[],
  rules: () => readonly ConnectionPolicy[],
  callback: LookupCallback,
): void {
  try {
    for (const a of addresses) for (const rule of rules()) rule.checkAddress(hostname, a.address)
  } catch (e) {
    callback(e as NodeJS.ErrnoException, [])
    return
  }
  if (addresses.length === 0) {
    const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`)
    err.code = 'ENOTFOUND'
    callback(err, [])
    return
  }
  if (options.all) callback(null, [...addresses])
  else {
    const first = addresses[0]
    callback(null, first?.address ?? '', first?.family ?? 4)
  }
}

function familyOf(f: LookupOptions['family']): 0 | 4 | 6 {
  if (f === 4 || f === 'IPv4') return 4
  if (f === 6 || f === 'IPv6') return 6
  return 0
}
