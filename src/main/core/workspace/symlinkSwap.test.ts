import { spawn } from 'node:child_process'
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../base/eventBus'
import { nodeAtomicFs, TEMP_MARKER, type AtomicWriteFs } from '../files/atomicWrite'
import { WorkspaceService } from './workspaceService'

/**
 * A hostile process flips `ws/sub` between the real folder and a symlink to a folder outside the
 * workspace while reads and saves run through the service. Whatever the interleaving, nothing from
 * outside may be read, nothing may be written outside, and no temp file may be left behind.
 *
 * The swapper is a separate process so that it really runs between the service's checks and its
 * opens; the loop is bounded in time, and the assertions hold for every interleaving.
 */

const RUN_MS = 1500
const WORKERS = 6
const OUTSIDE_TEXT = 'OUTSIDE SECRET'

// Flips `sub` between the real folder and the link: whatever is at `sub` moves aside (the link to
// .sub-link, the real folder to .sub-real, a folder a save created while `sub` was missing to
// .extra-N), then the other one moves in. Every step tolerates the service getting there first.
const SWAPPER = `
const { lstatSync, renameSync } = require('node:fs')
const { join } = require('node:path')
const [ws, ms] = [process.argv[1], Number(process.argv[2])]
const sub = join(ws, 'sub'), real = join(ws, '.sub-real'), link = join(ws, '.sub-link')
const realIno = lstatSync(sub).ino
let extras = 0
const clear = () => {
  for (;;) {
    let st
    try { st = lstatSync(sub) } catch { return }
    const to = st.isSymbolicLink() ? link : st.ino === realIno ? real : join(ws, '.extra-' + extras++)
    try { renameSync(sub, to); return } catch {}
  }
}
const put = (from) => { try { renameSync(from, sub) } catch {} }
const end = Date.now() + ms
let flips = 0
while (Date.now() < end) {
  clear(); put(link); clear(); put(real)
  flips++
}
clear(); put(real)
process.stdout.write(String(flips))
`

let base: string
let ws: string
let outside: string

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-swap-')))
  ws = join(base, 'ws')
  outside = join(base, 'outside')
  mkdirSync(join(ws, 'sub'), { recursive: true })
  mkdirSync(outside)
  writeFileSync(join(ws, 'sub', 'f.txt'), 'inside\n')
  writeFileSync(join(outside, 'f.txt'), `${OUTSIDE_TEXT}\n`)
  symlinkSync(outside, join(ws, '.sub-link'))
})

afterEach(() => rmSync(base, { recursive: true, force: true }))

function runSwapper(): Promise<number> {
  const child = spawn(process.execPath, ['-e', SWAPPER, ws, String(RUN_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`swapper exited ${code}`)),
    )
  })
}

/** Every entry below `dir`, as relative paths (links not followed). */
function listAll(dir: string, prefix = ''): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const rel = prefix ? `${prefix}/${name}` : name
    out.push(rel)
    const st = lstatSync(join(dir, name))
    if (st.isDirectory()) out.push(...listAll(join(dir, name), rel))
  }
  return out
}

describe.skipIf(process.platform !== 'linux')('symlink swapped in during reads and saves', () => {
  it('reads nothing outside, writes nothing outside, leaves no temp file', async () => {
    const svc = new WorkspaceService({ events: new EventBus(), stateDir: join(base, 'state'), watch: false })
    await svc.open(ws)
    const swapper = runSwapper()
    const end = Date.now() + RUN_MS
    const tally = { reads: 0, outsideReads: 0, writes: 0, failures: 0 }
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; Date.now() < end; i++) {
        try {
          if (i % 2 === 0) {
            const f = await svc.read('sub/f.txt')
            tally.reads++
            if (f.text.includes(OUTSIDE_TEXT)) tally.outsideReads++
          } else {
            // An existing file (replaced by rename), a new one, and one in a new folder (mkdir).
            const path = [`sub/f.txt`, `sub/w${w}-${i}.txt`, `sub/d${w}-${i}/x.txt`][(i >> 1) % 3] ?? ''
            await svc.write({ path, text: 'inside\n', encoding: 'utf8', eol: '\n' })
            tally.writes++
          }
        } catch {
          tally.failures++
        }
      }
    }
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
    const flips = await swapper
    await svc.dispose()
    expect(flips).toBeGreaterThan(0)
    expect(tally.outsideReads).toBe(0)
    expect(listAll(outside)).toEqual(['f.txt'])
    expect(readFileSync(join(outside, 'f.txt'), 'utf8')).toBe(`${OUTSIDE_TEXT}\n`)
    expect(listAll(ws).filter((p) => p.includes(TEMP_MARKER))).toEqual([])
    // Not vacuous: the service kept working between flips.
    expect(tally.reads).toBeGreaterThan(0)
    expect(tally.writes).toBeGreaterThan(0)
    expect(readFileSync(join(ws, 'sub', 'f.txt'), 'utf8')).toBe('inside\n')
  }, 20_000)

  it('a folder swapped for a link just before the temp file is created: nothing lands outside', async () => {
    let swapped = false
    const swapOnCreate: AtomicWriteFs = {
      ...nodeAtomicFs,
      open: (p, flags, mode) => {
        if (!swapped) {
          swapped = true
          renameSync(join(ws, 'sub'), join(ws, '.sub-real'))
          renameSync(join(ws, '.sub-link'), join(ws, 'sub'))
        }
        return nodeAtomicFs.open(p, flags, mode)
      },
    }
    const svc = new WorkspaceService({
      events: new EventBus(),
      stateDir: join(base, 'state'),
      watch: false,
      writeFs: swapOnCreate,
    })
    await svc.open(ws)
    await svc
      .write({ path: 'sub/f.txt', text: 'saved\n', encoding: 'utf8', eol: '\n' })
      .catch(() => undefined)
    await svc.dispose()
    expect(swapped).toBe(true)
    expect(listAll(outside)).toEqual(['f.txt'])
    expect(readFileSync(join(outside, 'f.txt'), 'utf8')).toBe(`${OUTSIDE_TEXT}\n`)
    expect(listAll(ws).filter((p) => p.includes(TEMP_MARKER))).toEqual([])
    // The save went to the folder that was checked, which the swap moved to .sub-real.
    expect(readFileSync(join(ws, '.sub-real', 'f.txt'), 'utf8')).toBe('saved\n')
  })
})
