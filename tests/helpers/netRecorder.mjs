/**
 * Preload (`node --import ./tests/helpers/netRecorder.mjs …`, before any other --import) that records every way a process
 * can reach the network, one JSON line per attempt in the file named by HEARTH_NET_RECORD:
 * - `lookup`: name resolution, at the native boundary (cares_wrap's getaddrinfo/getnameinfo and
 *   every c-ares query, which dns.lookup, dns.resolve*, dns.promises and net all end in) and at
 *   the dns module's own functions (in case a Node version hides the binding);
 * - `connect`: every net.Socket#connect to a TCP target (Unix sockets and pipes are not the
 *   network: tsx talks to its own process over one);
 * - `udp`: every dgram send or connect.
 * Each attempt is recorded and then goes ahead unchanged: the recorder watches, it does not block.
 */
import fs from 'node:fs'
import net from 'node:net'
import dgram from 'node:dgram'
import dns from 'node:dns'
import { syncBuiltinESMExports } from 'node:module'

const file = process.env.HEARTH_NET_RECORD
if (!file) throw new Error('netRecorder: set HEARTH_NET_RECORD to the file to record into')

function record(kind, via, target) {
  fs.appendFileSync(file, JSON.stringify({ kind, via, target: String(target), pid: process.pid }) + '\n')
}

function wrap(obj, key, kind, via, targetOf) {
  const original = obj[key]
  if (typeof original !== 'function') return false
  obj[key] = function (...args) {
    const t = targetOf(args)
    if (t !== undefined) record(kind, via, t)
    return original.apply(this, args)
  }
  return true
}

// Native boundary. process.binding is deprecated but still hands out the very binding object
// lib/dns.js calls into, so this sees lookups made through references taken before this preload.
let native = false
try {
  const cares = process.binding('cares_wrap')
  native = wrap(cares, 'getaddrinfo', 'lookup', 'getaddrinfo', (a) => a[1])
  wrap(cares, 'getnameinfo', 'lookup', 'getnameinfo', (a) => a[1])
  const proto = cares.ChannelWrap && cares.ChannelWrap.prototype
  if (proto) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (/^query|^getHostByAddr$/.test(key)) wrap(proto, key, 'lookup', `c-ares ${key}`, (a) => a[1])
    }
  }
} catch {
  native = false
}
record('info', native ? 'native hooks installed' : 'native hooks unavailable', '')

// The dns module's functions too (what ESM importers see after syncBuiltinESMExports).
for (const key of Object.keys(dns)) {
  if (key === 'lookup' || key === 'lookupService' || key.startsWith('resolve') || key === 'reverse') {
    wrap(dns, key, 'lookup', `dns.${key}`, (a) => a[0])
  }
}
for (const key of Object.keys(dns.promises)) {
  if (key === 'lookup' || key === 'lookupService' || key.startsWith('resolve') || key === 'reverse') {
    wrap(dns.promises, key, 'lookup', `dns.promises.${key}`, (a) => a[0])
  }
}

function tcpTarget(args) {
  let a = args[0]
  if (Array.isArray(a)) a = a[0]
  if (a && typeof a === 'object') {
    if (typeof a.path === 'string' && a.port === undefined) return undefined
    return `${a.host ?? a.hostname ?? 'localhost'}:${a.port ?? ''}`
  }
  if (typeof a === 'number' || (typeof a === 'string' && /^\d+$/.test(a))) {
    return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${a}`
  }
  return undefined // a path: a Unix socket or pipe
}
wrap(net.Socket.prototype, 'connect', 'connect', 'net.Socket#connect', tcpTarget)
wrap(dgram.Socket.prototype, 'send', 'udp', 'dgram.Socket#send', (a) => `${a[a.length - 2] ?? ''}`)
wrap(dgram.Socket.prototype, 'connect', 'udp', 'dgram.Socket#connect', (a) => `${a[1] ?? ''}:${a[0]}`)
syncBuiltinESMExports()
