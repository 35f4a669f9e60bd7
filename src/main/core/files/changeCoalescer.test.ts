import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ChangeCoalescer } from './changeCoalescer'
import type { FileChangeEvent } from './watchTypes'

describe('ChangeCoalescer', () => {
  let batches: { files: FileChangeEvent[]; dirs: string[] }[]
  let c: ChangeCoalescer
  beforeEach(() => {
    vi.useFakeTimers()
    batches = []
    c = new ChangeCoalescer((files, dirs) => batches.push({ files, dirs }), 100, 5)
  })
  afterEach(() => {
    c.clear()
    vi.useRealTimers()
  })

  it('emits one batch per window, not before', () => {
    c.push('a.ts', 'changed')
    c.push('b.ts', 'created')
    vi.advanceTimersByTime(99)
    expect(batches).toEqual([])
    vi.advanceTimersByTime(1)
    expect(batches).toEqual([
      {
        files: [
          { path: 'a.ts', kind: 'changed' },
          { path: 'b.ts', kind: 'created' },
        ],
        dirs: [''],
      },
    ])
  })

  it.each([
    [['deleted', 'created'], 'changed'], // atomic save by delete + recreate
    [['created', 'changed'], 'created'],
    [['created', 'changed', 'changed'], 'created'],
    [['changed', 'deleted'], 'deleted'],
    [['created', 'deleted'], 'deleted'],
    [['changed', 'changed'], 'changed'],
    [['deleted', 'created', 'changed'], 'changed'],
  ] as const)('%j → %s', (kinds, expected) => {
    for (const k of kinds) c.push('x/f.ts', k)
    vi.advanceTimersByTime(100)
    expect(batches[0]?.files).toEqual([{ path: 'x/f.ts', kind: expected }])
  })

  it('a rename is a delete plus a create, and both parents are dirty', () => {
    c.push('old/a.ts', 'deleted')
    c.push('new/a.ts', 'created')
    vi.advanceTimersByTime(100)
    expect(batches[0]).toEqual({
      files: [
        { path: 'old/a.ts', kind: 'deleted' },
        { path: 'new/a.ts', kind: 'created' },
      ],
      dirs: ['old', 'new'],
    })
  })

  it('does not extend the window under a steady stream of events', () => {
    for (let i = 0; i < 4; i++) {
      c.push('busy.log', 'changed')
      vi.advanceTimersByTime(40)
    }
    expect(batches).toHaveLength(1)
  })

  it('flushes early at the batch bound and keeps going', () => {
    for (let i = 0; i < 12; i++) c.push(`f${i}`, 'created')
    expect(batches.map((b) => b.files.length)).toEqual([5, 5])
    vi.advanceTimersByTime(100)
    expect(batches.map((b) => b.files.length)).toEqual([5, 5, 2])
    expect(c.size).toBe(0)
  })

  it('reports folder-only changes for the explorer', () => {
    c.pushDir('src/newdir')
    vi.advanceTimersByTime(100)
    expect(batches).toEqual([{ files: [], dirs: ['src'] }])
  })

  it('clear() drops pending events and the timer', () => {
    c.push('a', 'changed')
    c.clear()
    vi.advanceTimersByTime(1000)
    expect(batches).toEqual([])
  })
})
