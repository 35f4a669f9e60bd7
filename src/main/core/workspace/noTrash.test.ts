import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EventBus } from '../base/eventBus'
import { WorkspaceService } from './workspaceService'

// A machine where the trash folder cannot be made (here: its parent is a file, which even root
// cannot write into). The real `trash` package runs and fails; nothing may be deleted.
const base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-notrash-')))
writeFileSync(join(base, 'not-a-folder'), '')
process.env.XDG_DATA_HOME = join(base, 'not-a-folder', 'share')

afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('delete where there is no trash', () => {
  it('answers noTrash with the reason and deletes nothing; permanent then deletes', async () => {
    const ws = join(base, 'ws')
    mkdirSync(ws)
    writeFileSync(join(ws, 'a.txt'), 'alpha\n')
    const events: string[] = []
    const bus = new EventBus()
    bus.subscribe((e) => events.push(e))
    const svc = new WorkspaceService({ events: bus, stateDir: join(base, 'state'), watch: false })
    try {
      await svc.open(ws)
      const r = await svc.remove('a.txt')
      expect(r).toMatchObject({ path: 'a.txt', kind: 'file', outcome: 'noTrash' })
      expect(r.reason).toMatch(/^the system trash is not available here \(ENOTDIR/)
      expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('alpha\n')
      expect(events).not.toContain('workspace.deleted')
      await expect(svc.remove('a.txt', true)).resolves.toMatchObject({ outcome: 'deleted' })
      expect(existsSync(join(ws, 'a.txt'))).toBe(false)
      expect(events).toContain('workspace.deleted')
    } finally {
      await svc.dispose()
    }
  })
})
