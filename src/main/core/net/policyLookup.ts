import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import type http from 'node:http'
import type { ConnectionPolicy } from './connectionPolicy'
import { processConnectionPolicy } from './processPolicy'

export type Lookup = NonNullable<http.RequestOptions['lookup']>

/**
 * DNS lookup with the policy applied to every address before any connection is attempted: the
 * client's own (read at each lookup, so a switch applies at once), then the process-wide one.
 */
export function policyLookup(policy: () => ConnectionPolicy): Lookup {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, [])
        return
      }
      try {
        for (const a of addresses) {
          policy().checkAddress(hostname, a.address)
          processConnectionPolicy().checkAddress(hostname, a.address)
        }
      } catch (e) {
        callback(e as NodeJS.ErrnoException, [])
        return
      }
      if (options.all) callback(null, addresses)
      else {
        const first = addresses[0]
        callback(null, first?.address ?? '', first?.family ?? 4)
      }
    })
  }
}
