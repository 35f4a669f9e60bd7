import { describe, expect, it } from 'vitest'
import { searchEvents, searchMethods } from '../contract/search'
import { TableClient } from './tableClient'
import type { ClientMessage, ServerMessage } from './wire'

/** A wire whose far end the test plays: it sees what was sent and says what comes back. */
function loopWire(): {
  sent: ClientMessage[]
  deliver: (m: ServerMessage) => void
  wire: ConstructorParameters<typeof TableClient>[0]
} {
  const sent: ClientMessage[] = []
  let receive: (m: ServerMessage) => void = () => undefined
  return {
    sent,
    deliver: (m) => receive(m),
    wire: {
      send: (m) => void sent.push(m),
      onMessage: (r) => {
        receive = r
        return () => (receive = () => undefined)
      },
    },
  }
}

const STATUS = {
  state: 'ready',
  files: 3,
  chunks: 9,
  embedBacklog: 0,
  embedder: null,
  embedState: 'none',
  paused: false,
} as const

describe('TableClient', () => {
  it('calls the methods of its table and validates their results', async () => {
    const { sent, deliver, wire } = loopWire()
    const client = new TableClient(wire, { methods: searchMethods, events: searchEvents })
    const status = client.call('index.status', {})
    expect(sent).toEqual([{ t: 'call', id: 1, method: 'index.status', args: {} }])
    deliver({ t: 'ok', id: 1, value: STATUS })
    await expect(status).resolves.toEqual(STATUS)

    const bad = client.call('index.status', {})
    deliver({ t: 'ok', id: 2, value: { state: 'nonsense' } })
    await expect(bad).rejects.toMatchObject({ code: 'invalid_result' })
  })

  it('refuses a method outside its table without sending it, and drops events outside it', async () => {
    const { sent, deliver, wire } = loopWire()
    const client = new TableClient(wire, { methods: searchMethods, events: searchEvents })
    await expect(client.call('settings.get', {})).rejects.toMatchObject({ code: 'unknown_method' })
    expect(sent).toEqual([])

    const seen: unknown[] = []
    client.on('index.status', (p) => seen.push(p))
    client.on('file.changed', (p) => seen.push(p))
    deliver({ t: 'event', event: 'file.changed', payload: { path: 'a.ts', version: 'v' } })
    deliver({ t: 'event', event: 'toString', payload: {} })
    deliver({ t: 'event', event: 'index.status', payload: STATUS })
    expect(seen).toEqual([STATUS])
  })
})
