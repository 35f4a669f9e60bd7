import { execFileSync } from 'node:child_process'
import { mkdtemp, realpath, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../base/eventBus'
import { isAlive } from './processTree'
import { TerminalService, type TerminalServiceOptions } from './terminalService'

// The real pseudo-terminal and a real bash: no rc files, so the prompt and output are predictable.
const BASH = { file: '/bin/bash', args: ['--norc', '--noprofile', '-i'], title: 'bash' }
const unix = process.platform !== 'win32'

interface Seen {
  data: Map<number, string>
  seqs: Map<number, number[]>
  exits: { id: number; code: number | null; signal: number | null }[]
  maxChunk: number
}

let dir: string
let svc: TerminalService | undefined
let seen: Seen

function start(extra: Partial<TerminalServiceOptions> = {}): TerminalService {
  const events = new EventBus()
  seen = { data: new Map(), seqs: new Map(), exits: [], maxChunk: 0 }
  events.subscribe((event, payload) => {
    if (event === 'terminal.data') {
      const p = payload as { id: number; seq: number; data: string }
      seen.data.set(p.id, (seen.data.get(p.id) ?? '') + p.data)
      seen.seqs.set(p.id, [...(seen.seqs.get(p.id) ?? []), p.seq])
      seen.maxChunk = Math.max(seen.maxChunk, p.data.length)
    }
    if (event === 'terminal.exit') seen.exits.push(payload as Seen['exits'][number])
  })
  svc = new TerminalService({
    events,
    cwd: () => dir,
    shell: () => BASH,
    env: { ...process.env, HEARTH_TOKEN_OLLAMA: 'secret-token', PS1: '$ ' },
    ...extra,
  })
  return svc
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const output = (id: number): string => seen.data.get(id) ?? ''

/** Processes whose command line is exactly `args` (ps, so this checks what the user would). */
function running(args: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.endsWith(` ${args}`) && l.split(/\s+/).slice(1).join(' ') === args)
    .map((l) => Number(l.split(/\s+/)[0]))
}

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'hearth-term-')))
})

afterEach(async () => {
  await svc?.dispose()
  svc = undefined
  await rm(dir, { recursive: true, force: true })
})

describe.runIf(unix)('TerminalService (real pty)', () => {
  it('runs the shell in the workspace, echoes, and replays what it kept', async () => {
    const t = start()
    const info = await t.create({ cols: 80, rows: 24 })
    expect(info).toMatchObject({ id: 1, title: 'bash', cwd: dir, cols: 80, rows: 24 })
    // Quoted so the echoed command line itself does not match.
    t.input(info.id, 'echo "hel""lo"; pwd\r')
    await until(() => /[\r\n]hello\r\n/.test(output(info.id)), 'hello')
    await until(() => output(info.id).includes(`\r\n${dir}\r\n`), 'pwd')
    const replay = t.replay(info.id)
    expect(replay.data).toBe(output(info.id))
    expect(replay.seq).toBe(seen.seqs.get(info.id)!.at(-1))
    expect(seen.seqs.get(info.id)).toEqual(seen.seqs.get(info.id)!.map((_, i) => i + 1))
    expect(t.list().map((i) => i.id)).toEqual([info.id])
  })

  it("gives the shell the user's environment without Hearth's tokens, and TERM=xterm-256color", async () => {
    const t = start()
    const { id } = await t.create({ cols: 80, rows: 24 })
    t.input(id, 'echo "tok=[$HEARTH_TOKEN_OLLAMA] term=[$TERM] home=[${HOME:+set}]"\r')
    await until(() => output(id).includes('tok=[] term=[xterm-256color] home=[set]'), 'env line')
  })

  it('resizes the pty (stty sees it)', async () => {
    const t = start()
    const { id } = await t.create({ cols: 80, rows: 24 })
    t.resize(id, 123, 41)
    t.input(id, 'stty size\r')
    await until(() => /[\r\n]41 123\r\n/.test(output(id)), 'stty size')
    expect(t.list()[0]).toMatchObject({ cols: 123, rows: 41 })
  })

  it('reports the exit code when the shell exits, and forgets the terminal', async () => {
    const t = start()
    const { id } = await t.create({ cols: 80, rows: 24 })
    t.input(id, 'exit 3\r')
    await until(() => seen.exits.length === 1, 'exit')
    expect(seen.exits[0]).toEqual({ id, code: 3, signal: null })
    expect(t.list()).toEqual([])
    expect(() => t.input(id, 'x')).toThrow(/has ended/)
  })

  it('kill ends the shell and the jobs it started', async () => {
    const t = start()
    const { id, pid } = await t.create({ cols: 80, rows: 24 })
    t.input(id, 'sleep 987601 & sleep 987602\r')
    await until(() => running('sleep 987601').length === 1 && running('sleep 987602').length === 1, 'sleeps')
    await t.kill(id)
    expect(seen.exits.map((e) => e.id)).toEqual([id])
    await until(() => !isAlive(pid), 'shell gone', 3000)
    await until(
      () => running('sleep 987601').length + running('sleep 987602').length === 0,
      'sleeps gone',
      3000,
    )
  })

  it('leaves no process behind after dispose (background, foreground and nohup jobs)', async () => {
    const t = start()
    const a = await t.create({ cols: 80, rows: 24 })
    const b = await t.create({ cols: 80, rows: 24 })
    t.input(a.id, 'sleep 987611 &\r')
    t.input(a.id, 'nohup sleep 987612 >/dev/null 2>&1 &\r')
    t.input(b.id, 'sleep 987613\r')
    await until(
      () => ['sleep 987611', 'sleep 987612', 'sleep 987613'].every((c) => running(c).length === 1),
      'three sleeps',
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify([output(a.id), output(b.id)])}`)
    })
    const started = Date.now()
    await t.dispose()
    expect(Date.now() - started).toBeLessThan(3000)
    for (const c of ['sleep 987611', 'sleep 987612', 'sleep 987613']) expect(running(c), c).toEqual([])
    expect(isAlive(a.pid) || isAlive(b.pid)).toBe(false)
    await expect(t.create({ cols: 80, rows: 24 })).rejects.toThrow(/shutting down/)
  })

  it('killAll ends every terminal (the folder changed)', async () => {
    const t = start()
    await t.create({ cols: 80, rows: 24 })
    await t.create({ cols: 80, rows: 24 })
    await t.killAll()
    expect(seen.exits).toHaveLength(2)
    expect(t.list()).toEqual([])
  })

  it('refuses more terminals than the limit, with a sentence', async () => {
    const t = start({ maxTerminals: 2 })
    await t.create({ cols: 80, rows: 24 })
    await t.create({ cols: 80, rows: 24 })
    await expect(t.create({ cols: 80, rows: 24 })).rejects.toThrow(
      'At most 2 terminals can be open. Close one to open another.',
    )
  })

  it('says which shell could not start', async () => {
    const t = start({ shell: () => ({ file: join(dir, 'no-such-shell'), args: [], title: 'x' }) })
    await expect(t.create({ cols: 80, rows: 24 })).rejects.toThrow(
      /Could not start the shell .*no-such-shell/,
    )
  })

  it('keeps a flood (`yes`) bounded: paced events, a capped backlog, a responsive event loop', async () => {
    const t = start({
      output: { maxEventChars: 8192, highWater: 65536, lowWater: 16384, scrollbackChars: 32768 },
    })
    const { id } = await t.create({ cols: 80, rows: 24 })
    // The loop's worst delay while the flood runs: a frozen loop would show as a long gap.
    let worstLag = 0
    let last = Date.now()
    const tick = setInterval(() => {
      const now = Date.now()
      worstLag = Math.max(worstLag, now - last - 10)
      last = now
    }, 10)
    const backlogs: number[] = []
    const sample = setInterval(() => {
      const run = (t as unknown as { running: Map<number, { output: { backlog: number } }> }).running.get(id)
      if (run) backlogs.push(run.output.backlog)
    }, 5)
    const heapBefore = process.memoryUsage().heapUsed
    t.input(id, 'yes\r')
    await new Promise((r) => setTimeout(r, 1500))
    clearInterval(tick)
    clearInterval(sample)
    const received = output(id).length
    expect(received).toBeGreaterThan(100_000)
    expect(seen.maxChunk).toBeLessThanOrEqual(8192)
    // highWater plus at most one read of the pty (64 KiB) before the pause takes effect.
    expect(Math.max(...backlogs)).toBeLessThan(65536 + 65536 + 1)
    expect(t.replay(id).data.length).toBeLessThanOrEqual(32768)
    expect(worstLag).toBeLessThan(250)
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024)
    await t.kill(id)
    expect(running('yes')).toEqual([])
  })
})
