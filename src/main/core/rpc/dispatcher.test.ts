import { describe, expect, it } from 'vitest'
import { Dispatcher } from './dispatcher'
import type { Handlers } from './handlers'

const ctx = { signal: new AbortController().signal, transport: 'local' as const }

describe('Dispatcher', () => {
  it('starts the handler in the same turn as the call, with and without middleware', async () => {
    const order: string[] = []
    const handlers = {
      'app.ping': () => {
        order.push('handler')
        return { echo: '', at: 0 }
      },
    } as unknown as Handlers
    const plain = new Dispatcher(handlers).dispatch('app.ping', {}, ctx)
    order.push('after dispatch')
    await plain
    const wrapped = new Dispatcher(handlers, {
      'app.ping': (_args, _ctx, next) => {
        order.push('middleware')
        return next()
      },
    }).dispatch('app.ping', {}, ctx)
    order.push('after wrapped dispatch')
    await wrapped
    // A completion request aborts the one before it synchronously: no later message of the same
    // WebSocket batch may run first.
    expect(order).toEqual(['handler', 'after dispatch', 'middleware', 'handler', 'after wrapped dispatch'])
  })
})
