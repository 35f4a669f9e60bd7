import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WorkspaceSession } from '@shared/contract/session'
import { sessionHandlers } from './sessionHandlers'
import { EMPTY_USER_STATE, SessionStore } from './sessionStore'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-session-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const session = (tabs: string[]): WorkspaceSession => ({
  tabs,
  active: tabs[0] ?? null,
  viewStates: { [tabs[0] ?? 'x']: { cursorState: [{ position: { lineNumber: 3, column: 5 } }] } },
  layout: { sidebarVisible: false, sidebarPanel: 'search', sidebarWidth: 300, panelVisible: true },
  recentFiles: tabs,
})
const ctx = { signal: new AbortController().signal, transport: 'local' as const }

describe('SessionStore', () => {
  it('keeps one session per folder, across instances, readable only by the user', async () => {
    const a = new SessionStore(dir)
    await a.saveWorkspace('/p/a', session(['a.ts', 'b.ts']))
    await a.saveWorkspace('/p/b', session(['c.ts']))
    const b = new SessionStore(dir)
    await expect(b.workspace('/p/a')).resolves.toEqual(session(['a.ts', 'b.ts']))
    await expect(b.workspace('/p/b')).resolves.toEqual(session(['c.ts']))
    await expect(b.workspace('/p/none')).resolves.toBeNull()
    if (process.platform !== 'win32') expect(statSync(b.fileFor('/p/a')).mode & 0o777).toBe(0o600)
  })

  it('reads a damaged or foreign file as no session, and the last of quick saves wins', async () => {
    const s = new SessionStore(dir)
    await s.saveWorkspace('/p/a', session(['a.ts']))
    writeFileSync(s.fileFor('/p/a'), '{"version":1,"root":"/p/a","session":{"tabs":')
    await expect(s.workspace('/p/a')).resolves.toBeNull()
    writeFileSync(
      s.fileFor('/p/a'),
      JSON.stringify({ version: 1, root: '/p/other', session: session(['x']) }),
    )
    await expect(s.workspace('/p/a')).resolves.toBeNull()
    await Promise.all([1, 2, 3].map((n) => s.saveWorkspace('/p/a', session([`f${n}.ts`]))))
    await expect(s.workspace('/p/a')).resolves.toMatchObject({ tabs: ['f3.ts'] })
  })

  it('keeps the user state beside, empty by default', async () => {
    const s = new SessionStore(dir)
    await expect(s.user()).resolves.toEqual(EMPTY_USER_STATE)
    const state = { recentCommands: ['view.toggleSidebar'], completions: { off: true, pausedUntil: null } }
    await s.saveUser(state)
    await expect(new SessionStore(dir).user()).resolves.toEqual(state)
    expect(JSON.parse(readFileSync(join(dir, 'ui-state.json'), 'utf8'))).toMatchObject({ version: 1 })
  })

  it('saves for the folder open now or one opened before, no other', async () => {
    let root: string | null = '/p/a'
    const h = sessionHandlers(
      new SessionStore(dir),
      () => root,
      () => Promise.resolve(['/p/a']),
    )
    await expect(h['session.save']({ root: '/p/a', workspace: session(['a.ts']) }, ctx)).resolves.toEqual({
      saved: true,
    })
    root = '/p/b'
    // The window of /p/a saves once more as /p/b opens: kept for /p/a.
    await expect(h['session.save']({ root: '/p/a', workspace: session(['z.ts']) }, ctx)).resolves.toEqual({
      saved: true,
    })
    await expect(h['session.save']({ root: '/p/never', workspace: session(['x.ts']) }, ctx)).resolves.toEqual(
      {
        saved: false,
      },
    )
    await expect(h['session.get']({}, ctx)).resolves.toMatchObject({ root: '/p/b', workspace: null })
    root = '/p/a'
    await expect(h['session.get']({}, ctx)).resolves.toMatchObject({ workspace: { tabs: ['z.ts'] } })
  })

  it('refuses a session too large to be one', async () => {
    const big = session(['a.ts'])
    big.viewStates = { 'a.ts': 'x'.repeat(1_100_000) }
    await expect(new SessionStore(dir).saveWorkspace('/p/a', big)).rejects.toThrow(/too large/)
  })
})
