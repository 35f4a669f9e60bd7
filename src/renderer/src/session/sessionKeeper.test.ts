import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { WorkspaceSession } from '@shared/contract/session'
import { SessionKeeper } from './sessionKeeper'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const saved: WorkspaceSession = {
  tabs: ['a.ts', 'b.ts'],
  active: 'b.ts',
  viewStates: { 'b.ts': { cursor: 5 } },
  layout: { sidebarVisible: false },
  recentFiles: ['b.ts', 'a.ts'],
}

describe('SessionKeeper', () => {
  it('saves nothing before the saved session is loaded, then one write per burst', () => {
    const writes: WorkspaceSession[] = []
    const k = new SessionKeeper((s) => writes.push(s), 400)
    k.setTabs(['x.ts'], 'x.ts')
    vi.advanceTimersByTime(1000)
    expect(writes).toEqual([])
    k.load(saved)
    expect(k.get().recentFiles).toEqual(['x.ts', 'b.ts', 'a.ts'])
    k.setTabs(['a.ts', 'b.ts'], 'a.ts')
    k.setViewState('a.ts', { cursor: 1 })
    k.setViewState('a.ts', { cursor: 2 })
    vi.advanceTimersByTime(399)
    expect(writes).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatchObject({ active: 'a.ts', viewStates: { 'a.ts': { cursor: 2 } } })
    expect(writes[0]?.recentFiles.slice(0, 2)).toEqual(['a.ts', 'x.ts'])
  })

  it('hands each saved view state back once, and forgets closed tabs', () => {
    const k = new SessionKeeper(() => undefined)
    k.load(saved)
    expect(k.takeRestore('b.ts')).toEqual({ cursor: 5 })
    expect(k.takeRestore('b.ts')).toBeUndefined()
    k.setTabs(['a.ts'], 'a.ts')
    expect(k.get().viewStates).toEqual({})
    k.setViewState('gone.ts', { cursor: 1 })
    expect(k.get().viewStates).toEqual({})
  })

  it('writes at once on flush, and not again when nothing changed', () => {
    const writes: WorkspaceSession[] = []
    const k = new SessionKeeper((s) => writes.push(s))
    k.load(null)
    k.update({
      layout: { sidebarVisible: true, sidebarPanel: 'search', sidebarWidth: 300, panelVisible: false },
    })
    k.flush()
    k.flush()
    expect(writes).toHaveLength(1)
    vi.advanceTimersByTime(1000)
    expect(writes).toHaveLength(1)
  })

  it('does not count reopening the saved tabs as opening them', () => {
    const k = new SessionKeeper(() => undefined)
    k.load(saved)
    k.setTabs(['a.ts', 'b.ts', 'c.ts'], 'c.ts', false)
    expect(k.get().recentFiles).toEqual(['b.ts', 'a.ts'])
  })
})
