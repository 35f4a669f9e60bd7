import { describe, expect, it } from 'vitest'
import { WorkerDied, workerFailure } from './workerClient'

describe('workerFailure', () => {
  it('does not call a worker whose code could not load a dead database (no set-aside, no rebuild)', () => {
    const missing = Object.assign(new Error("Cannot find module '/x/out/main/chunks/store-1.js'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const e = workerFailure('full-text index', missing)
    expect(e).not.toBeInstanceOf(WorkerDied)
    expect(e.message).toMatch(/restart Hearth/)
  })

  it('calls any other crash a dead worker, which the opener may set aside', () => {
    expect(workerFailure('full-text index', new Error('RuntimeError: unreachable'))).toBeInstanceOf(
      WorkerDied,
    )
  })
})
