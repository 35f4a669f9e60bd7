import { chmodSync, chownSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir } from './cliHelpers'

const SLOW = 240_000

describe('hearth index: bad files are skipped with a reason, never fail the run', () => {
  const tmp = tempDir('badfiles')
  const ws = join(tmp.dir, 'ws')
  beforeAll(() => {
    mkdirSync(join(ws, 'src'), { recursive: true })
    writeFileSync(join(ws, 'src', 'good.ts'), 'export const answer = (): number => 42\n')
    // 50 MB (sparse: costs no disk)
    writeFileSync(join(ws, 'huge.log.ts'), '')
    truncateSync(join(ws, 'huge.log.ts'), 50 * 1024 * 1024)
    // 5 MB single-line bundle, and a 300 KB one under the size limit (minified detection)
    writeFileSync(join(ws, 'bundle.js'), `var a=${'1+'.repeat(2_500_000)}1;`)
    writeFileSync(join(ws, 'small.min.js'), `var b=${'2*'.repeat(150_000)}2;`)
    // binary named .ts
    writeFileSync(
      join(ws, 'image.ts'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3]),
    )
    // UTF-16 with and without BOM
    writeFileSync(
      join(ws, 'wide.ts'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('export const x = 1\n', 'utf16le')]),
    )
    writeFileSync(join(ws, 'wide2.ts'), Buffer.from('export const y = 2\nexport const z = 3\n', 'utf16le'))
    // unreadable (only meaningful for a non-root reader: see below)
    writeFileSync(join(ws, 'secret.ts'), 'export const s = 1\n')
    chmodSync(join(ws, 'secret.ts'), 0o000)
    // symlink loops: a folder linking to its parent, and two files linking to each other
    mkdirSync(join(ws, 'loopdir'))
    symlinkSync('..', join(ws, 'loopdir', 'up'))
    symlinkSync('b.ts', join(ws, 'a.ts'))
    symlinkSync('a.ts', join(ws, 'b.ts'))
  })
  afterAll(() => tmp.cleanup())

  it(
    'reports each with its reason',
    async () => {
      const db = join(tmp.dir, 'db')
      // As root every file is readable: run the CLI as nobody so EACCES is real.
      const asNobody = process.getuid?.() === 0
      if (asNobody) {
        chmodSync(tmp.dir, 0o777)
        mkdirSync(db, { mode: 0o777 })
        chownSync(db, 65534, 65534)
      }
      const r = await runCli(['index', ws, '--db', db, '--json'], asNobody ? { uid: 65534, gid: 65534 } : {})
      expect(r.code, r.stderr).toBe(0)
      const out = JSON.parse(r.stdout) as {
        files: number
        chunks: number
        skipped: { path: string; reason: string }[]
        ms: number
      }
      const why = Object.fromEntries(out.skipped.map((s) => [s.path, s.reason]))
      expect(why['huge.log.ts']).toMatch(/too large/)
      expect(why['bundle.js']).toMatch(/too large/)
      expect(why['small.min.js']).toMatch(/minified/)
      expect(why['image.ts']).toBe('binary')
      expect(why['wide.ts']).toBe('UTF-16 encoded')
      expect(why['wide2.ts']).toBe('UTF-16 encoded')
      expect(why['a.ts']).toBe('symlink loop')
      expect(why['b.ts']).toBe('symlink loop')
      expect(why['loopdir/up']).toBe('symlink loop')
      expect(why['secret.ts']).toMatch(/unreadable \(EACCES\)/)
      expect(out.files).toBe(1)
      expect(out.chunks).toBe(1)
      expect(out.ms).toBeGreaterThan(0)
    },
    SLOW,
  )
})
