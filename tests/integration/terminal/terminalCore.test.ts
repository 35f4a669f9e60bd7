import { mkdir, realpath } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Core } from '../../../src/main/core/createCore'
import { isAlive } from '../../../src/main/core/terminal/processTree'
import { removeDir, tempDir } from '../../helpers/serve'

/**
 * The terminal as the composition root wires it: shells start in the open folder and end with
 * it (another folder opened) and with the core (disposed), called through the dispatcher as a
 * renderer calls them. Real pty, real shell. One core for all of it: a core's start and shutdown
 * (its index) take seconds on a busy machine.
 */
describe.skipIf(process.platform === 'win32')('terminals in the core', () => {
  let parent: string | undefined
  let core: Core | undefined

  afterAll(async () => {
    await core?.dispose()
    await removeDir(parent)
  })

  const call = <T>(method: string, args: unknown): Promise<T> =>
    core!.dispatcher.dispatch(method, args, {
      signal: new AbortController().signal,
      transport: 'local',
    }) as Promise<T>

  it('start in the open folder, end with it and with the core; calls are validated', async () => {
    parent = await realpath(await tempDir('hearth-term-core-'))
    const a = join(parent, 'a')
    const b = join(parent, 'b')
    await mkdir(a)
    await mkdir(b)
    core = await Core.create({ dataDir: join(parent, 'data'), workspace: a })
    const exits: number[] = []
    core.events.subscribe((event, payload) => {
      if (event === 'terminal.exit') exits.push((payload as { id: number }).id)
    })

    const first = await call<{ id: number; pid: number; cwd: string }>('terminal.create', {
      cols: 80,
      rows: 24,
    })
    expect(first.cwd).toBe(a)
    expect(isAlive(first.pid)).toBe(true)
    await core.workspace.open(b)
    await expect.poll(() => exits, { timeout: 5000 }).toEqual([first.id])
    await expect.poll(() => isAlive(first.pid), { timeout: 3000 }).toBe(false)
    expect(await call('terminal.list', {})).toEqual([])

    const second = await call<{ pid: number; cwd: string }>('terminal.create', { cols: 80, rows: 24 })
    expect(second.cwd).toBe(b)
    await expect(call('terminal.input', { id: 99, data: 'x' })).rejects.toThrow(
      'That terminal has ended. Open a new one.',
    )
    await expect(call('terminal.create', { cols: 0, rows: 24 })).rejects.toThrow(/cols/)

    // Shells go first in a shutdown, not after the index has closed.
    const disposing = core.dispose()
    core = undefined
    await expect.poll(() => isAlive(second.pid), { timeout: 3000 }).toBe(false)
    await disposing
  }, 180_000)
})
