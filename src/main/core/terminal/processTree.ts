import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

interface ProcRow {
  pid: number
  ppid: number
  pgid: number
  /** Session id; -1 where the platform does not say (macOS `ps` has no numeric one). */
  sid: number
}

/**
 * The processes a terminal's shell left behind: its session (a pty's shell is a session leader,
 * and each job it starts gets its own process group inside that session, so killing the shell's
 * group alone would leave `sleep 1000 &` or a foreground `vim` running), every descendant (also
 * one that made its own session but is still a child), and their process groups. Synchronous: it
 * also runs in a process `exit` handler.
 */
export function sessionProcesses(leader: number): number[] {
  const rows = processTable()
  const linux = process.platform === 'linux'
  // On Linux the session says it all, even once the shell is gone (its jobs keep its session id);
  // a pid that is not a session leader any more may belong to someone else by now.
  const found = new Set<number>(linux ? [] : [leader])
  for (const r of rows) if (r.sid === leader) found.add(r.pid)
  // Descendants by parent id, to a fixed point (the table is not in tree order).
  let grew = true
  while (grew) {
    grew = false
    for (const r of rows) {
      if (!found.has(r.pid) && found.has(r.ppid)) {
        found.add(r.pid)
        grew = true
      }
    }
  }
  const groups = new Set(rows.filter((r) => found.has(r.pid)).map((r) => r.pgid))
  for (const r of rows) if (groups.has(r.pgid) && r.pgid > 1) found.add(r.pid)
  found.delete(process.pid)
  return [...found]
}

/** Sends `signal` to every process of the shell's session; gone ones are skipped. Returns the pids signalled. */
export function signalSession(leader: number, signal: NodeJS.Signals): number[] {
  const pids = process.platform === 'win32' ? [leader] : sessionProcesses(leader)
  const hit: number[] = []
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
      hit.push(pid)
    } catch {
      // Already gone (ESRCH), or not ours to signal (EPERM: a setuid program); nothing to do.
    }
  }
  return hit
}

/** Whether a process exists (zombies count as gone: they hold nothing but a table slot). */
export function isAlive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
    } catch {
      return false
    }
  }
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function processTable(): ProcRow[] {
  if (process.platform === 'linux') return procTable()
  try {
    const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { encoding: 'utf8', timeout: 2000 })
    return out
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number))
      .filter((f) => f.length === 3 && f.every(Number.isInteger))
      .map(([pid, ppid, pgid]) => ({ pid: pid!, ppid: ppid!, pgid: pgid!, sid: -1 }))
  } catch {
    return []
  }
}

/** Linux: /proc/<pid>/stat is `pid (comm) state ppid pgrp session …`; comm may hold spaces and parentheses. */
function procTable(): ProcRow[] {
  const rows: ProcRow[] = []
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return rows
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      rows.push({ pid: Number(name), ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]) })
    } catch {
      // Exited while we looked.
    }
  }
  return rows
}
