import { describe, expect, it } from 'vitest'
import { DisposableStore, toDisposable } from './lifecycle'

describe('DisposableStore', () => {
  it('disposes newest first, waits for async ones, and finishes even when one throws', async () => {
    const order: string[] = []
    const store = new DisposableStore()
    store.defer(() => void order.push('first'))
    store.add({
      dispose: async () => {
        await new Promise((r) => setTimeout(r, 5))
        order.push('second (async)')
      },
    })
    store.defer(() => {
      order.push('third (throws)')
      throw new Error('boom')
    })
    await store.dispose()
    expect(order).toEqual(['third (throws)', 'second (async)', 'first'])
    expect(store.isDisposed).toBe(true)
  })

  it('disposes what is added after it was disposed, at once', async () => {
    const store = new DisposableStore()
    await store.dispose()
    let ran = 0
    store.defer(() => void ran++)
    await Promise.resolve()
    expect(ran).toBe(1)
  })

  it('toDisposable runs its function once', () => {
    let n = 0
    const d = toDisposable(() => void n++)
    void d.dispose()
    void d.dispose()
    expect(n).toBe(1)
  })
})
