import { execFileSync } from 'node:child_process'
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statfsSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import type { IndexStatus } from '../../../src/shared/contract/search'
import { EventBus } from '../../../src/main/core/base/eventBus'
import { IndexService } from '../../../src/main/core/index/indexService'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { describeError, storeReasonOf } from '../../../src/main/core/index/store/storeErrors'
import { runCli, until } from './cliHelpers'
import { sourceText } from './freshWalk'

/**
 * The disk-full scenario of diskFull.test.ts, run inside a private mount namespace (the test
 * starts it under `unshare`, so the tmpfs goes away with this process, whatever happens): a small
 * tmpfs, a good index built on it, then the disk filled. Prints what the CLI, the store and the
 * app did, as one JSON line; the test asserts on it.
 */

const [base] = process.argv.slice(2)
if (!base) throw new Error('usage: diskFullScenario <folder>')
const mnt = join(base, 'mnt')
const ws = join(base, 'ws')
const db = join(mnt, 'db')
const filler = join(mnt, 'filler')
mkdirSync(mnt, { recursive: true })
execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200m', 'tmpfs', mnt])

const freeBytes = (): number => {
  const st = statfsSync(mnt)
  return Number(st.bavail) * Number(st.bsize)
}

/** Fills the tmpfs until `leave` bytes are free. */
function fill(leave: number): void {
  rmSync(filler, { force: true })
  const fd = openSync(filler, 'w')
  const buf = Buffer.alloc(1 << 20, 1)
  try {
    for (let want = freeBytes() - leave; want > 0; want = freeBytes() - leave)
      writeSync(fd, buf, 0, Math.min(buf.length, want))
  } catch {
    // Full.
  } finally {
    closeSync(fd)
  }
}

const addFiles = (dir: string, n: number, size: number): void => {
  mkdirSync(join(ws, dir), { recursive: true })
  for (let i = 0; i < n; i++) {
    const body = Array.from({ length: Math.ceil(size / 200) }, (_, k) =>
      sourceText(`${dir}${i}x${k}`, i * 31 + k),
    )
    writeFileSync(join(ws, dir, `f${i}.ts`), `// ${word(dir, i)}\n${body.join('\n')}`.slice(0, size))
  }
}

/** A word only the file `dir/f<i>.ts` holds (letters only: it is its own lexeme). */
const word = (dir: string, i: number): string =>
  `${dir}quokka${'abcdefghij'[i % 10]}${'abcdefghij'[Math.floor(i / 10) % 10]}`

const setAside = (dir: string): string[] => readdirSync(dir).filter((n) => n.includes('.corrupt-'))
const index = (): ReturnType<typeof runCli> =>
  runCli(['index', ws, '--db', db, '--embedder', 'hash', '--json'])
const search = (q: string): ReturnType<typeof runCli> => runCli(['search', '--db', db, '--json', q])

async function openFails(
  open: () => Promise<{ close(): Promise<void> }>,
): Promise<{ reason: string | null; message: string } | null> {
  try {
    await (await open()).close()
    return null
  } catch (err) {
    return { reason: storeReasonOf(err), message: describeError(err) }
  }
}

const out: Record<string, unknown> = {}
addFiles('src', 40, 2000)
out.first = await index()

// No room at all: the CLI says so; opening the store directly keeps the index too.
addFiles('more', 20, 2000)
fill(0)
out.full = await index()
out.fullIndexDb = await openFails(async () => (await IndexDb.open(db)).db)
out.fullSetAside = setAside(db)

// Nearly full: the index opens and answers; what would need more room fails, and says why.
// "Nearly" is a little over one WAL segment (1 MB): opening may have to start the next segment
// (where the last run's WAL ended decides it), and Postgres cannot start without it.
fill(1280 * 1024)
out.nearSearch = await search(word('src', 3))
addFiles('bigger', 40, 12_000)
out.nearIndex = await index()
out.nearSetAside = setAside(db)

// Room again: everything is indexed, nothing was lost or set aside.
rmSync(filler)
out.freed = await index()
out.freedSearch = await search(word('more', 7))
out.freedSetAside = setAside(db)

// The app: an index whose disk is full is kept, the status says so, and it tries again.
const dataDir = join(mnt, 'app')
const root = join(base, 'appws')
mkdirSync(root, { recursive: true })
writeFileSync(join(root, 'a.ts'), sourceText('appOne', 3))
writeFileSync(join(root, 'b.ts'), sourceText('appTwo', 4))
const makeService = (): { service: IndexService; statuses: IndexStatus[]; start: () => void } => {
  const events = new EventBus()
  const statuses: IndexStatus[] = []
  events.subscribe((e, p) => {
    if (e === 'index.status') statuses.push(p as IndexStatus)
  })
  const listeners: ((i: { root: string }) => void)[] = []
  const workspace = {
    onDidOpen: (cb: (i: { root: string }) => void) => {
      listeners.push(cb)
      return () => undefined
    },
    rules: null,
    watcher: null,
  }
  const service = new IndexService({ events, workspace, dataDir, embedder: 'hash', retryMs: 300 })
  return { service, statuses, start: () => listeners.forEach((l) => l({ root })) }
}
const first = makeService()
first.start()
await first.service.ready()
out.appFirst = first.service.getStatus()
await first.service.dispose()

fill(0)
const second = makeService()
second.start()
// Each wait records its failure instead of ending the scenario: the test says which step failed.
const failed = (err: unknown): { failed: string } => ({ failed: describeError(err) })
out.appFull = await until('the app reports the full disk', () => {
  const s = second.service.getStatus()
  return Promise.resolve(s.state === 'error' ? s : undefined)
}).catch(failed)
out.appSetAside = readdirSync(join(dataDir, 'indexes')).flatMap((d) => setAside(join(dataDir, 'indexes', d)))
rmSync(filler)
out.appFreed = await until(
  'the app tries again once there is room',
  () => {
    const s = second.service.getStatus()
    return Promise.resolve(s.state === 'ready' && s.files === 2 ? s : undefined)
  },
  60_000,
).catch(failed)
out.appStatuses = second.statuses.map((s) => `${s.state}${s.reason ? `: ${s.reason}` : ''}`)
await second.service.dispose()

process.stdout.write(`${JSON.stringify(out)}\n`)
