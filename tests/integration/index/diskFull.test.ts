import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type CliResult, collect, REPO, tempDir, TSX } from './cliHelpers'

const SLOW = 400_000

/**
 * How this machine can mount a small tmpfs in a mount namespace of its own (unshare): as root
 * with CAP_SYS_ADMIN, or as anyone where unprivileged user namespaces are allowed. Null: neither
 * (a container without the capability), and the test is skipped.
 */
function namespaceArgs(probeDir: string): string[] | null {
  for (const args of [['--mount'], ['--user', '--map-root-user', '--mount']]) {
    const r = spawnSync('unshare', [...args, 'mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probeDir])
    if (r.status === 0) return args
  }
  return null
}

const tmp = tempDir('diskfull')
mkdirSync(join(tmp.dir, 'probe'))
const ns = namespaceArgs(join(tmp.dir, 'probe'))
const skipped = ns ? '' : ' (skipped: no tmpfs can be mounted here: needs CAP_SYS_ADMIN or user namespaces)'

describe(`a full disk keeps a good index (real tmpfs, real CLI, real PGlite)${skipped}`, () => {
  afterAll(() => tmp.cleanup())

  it.skipIf(!ns)(
    'says the disk is full, exits non-zero, sets nothing aside, answers searches, and catches up once there is room',
    async () => {
      const scenario = join(REPO, 'tests/integration/index/diskFullScenario.ts')
      const r = await collect(
        spawn('unshare', [...(ns ?? []), process.execPath, '--import', TSX, scenario, tmp.dir], {
          cwd: REPO,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.node.json') },
        }),
      )
      expect(r.code, r.stderr).toBe(0)
      const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>
      const cli = (k: string): CliResult => out[k] as CliResult
      const firstPath = (r: CliResult): string | undefined =>
        (JSON.parse(r.stdout) as { results: { path: string }[] }).results[0]?.path
      const json = (k: string): { files: number; indexed: number } =>
        JSON.parse(cli(k).stdout) as { files: number; indexed: number }

      expect(cli('first').code, cli('first').stderr).toBe(0)
      expect(json('first').files).toBe(40)

      // No room at all: a readable sentence and exit 1, never "[object Object]"; nothing set aside.
      expect(cli('full').code).toBe(1)
      expect(cli('full').stderr).toMatch(/hearth index: the disk is full/)
      expect(cli('full').stderr).toMatch(/kept as it was/)
      expect(cli('full').stderr).not.toMatch(/object Object/)
      // The store itself, opened on the full disk: the index is kept and the failure says why.
      expect(out.fullIndexDb).toMatchObject({ reason: 'disk_full' })
      expect((out.fullIndexDb as { message: string }).message).toMatch(/disk is full/)
      expect(out.fullSetAside).toEqual([])

      // Nearly full: searches answer from the kept index; indexing more fails, as one failure.
      expect(cli('nearSearch').code, cli('nearSearch').stderr).toBe(0)
      expect(firstPath(cli('nearSearch'))).toBe('src/f3.ts')
      expect(cli('nearIndex').code).toBe(1)
      expect(cli('nearIndex').stderr).toMatch(/the disk is full/)
      expect(out.nearSetAside).toEqual([])

      // Room again: the same index catches up (nothing was rebuilt from nothing).
      expect(cli('freed').code, cli('freed').stderr).toBe(0)
      expect(cli('freed').stderr).not.toMatch(/set aside/)
      expect(json('freed').files).toBe(100)
      expect(firstPath(cli('freedSearch'))).toBe('more/f7.ts')
      expect(out.freedSetAside).toEqual([])

      // The app: its status says the disk is full and that it will try again; it does.
      expect(out.appFirst).toMatchObject({ state: 'ready', files: 2 })
      expect(out.appFull).toMatchObject({ state: 'error' })
      expect((out.appFull as { reason?: string }).reason).toMatch(/disk is full.*trying again/)
      expect(out.appSetAside).toEqual([])
      expect(out.appFreed).toMatchObject({ state: 'ready', files: 2 })
      expect((out.appStatuses as string[]).join('\n')).not.toMatch(/object Object|rebuilt/)
    },
    SLOW,
  )
})
