import type { GitChange, GitChangeGroup, GitChangeKind, GitRepoStatus } from '@shared/contract/git'

/** Each list the view shows is capped; the rest is a count ("N more"). */
export const MAX_LISTED = 2_000

const KINDS = new Set<string>(['M', 'A', 'D', 'R', 'C', 'T', 'U'])

class CappedGroup {
  readonly changes: GitChange[] = []
  more = 0
  constructor(private readonly cap: number) {}
  add(c: GitChange): void {
    if (this.changes.length < this.cap) this.changes.push(c)
    else this.more++
  }
  done(): GitChangeGroup {
    return { changes: this.changes, more: this.more }
  }
}

/**
 * Parses `git status --porcelain=v2 -z --branch` (paths relative to the repository's top level)
 * into the view's lists, with paths relative to the workspace: `prefix` is where the workspace
 * sits in the repository (`git rev-parse --show-prefix`, '' or 'sub/dir/'); entries outside it
 * are left out.
 */
export function parsePorcelainV2(out: string, prefix = '', cap = MAX_LISTED): GitRepoStatus {
  const staged = new CappedGroup(cap)
  const unstaged = new CappedGroup(cap)
  const conflicts = new CappedGroup(cap)
  let branch: string | null = null
  let head: string | null = null
  let upstream: string | undefined
  let ahead: number | undefined
  let behind: number | undefined
  const rel = (p: string): string | null =>
    prefix === '' ? p : p.startsWith(prefix) ? p.slice(prefix.length) : null

  const tokens = out.split('\0')
  for (let i = 0; i < tokens.length; i++) {
    const line = tokens[i] ?? ''
    if (line === '') continue
    const type = line[0]
    if (type === '#') {
      const [, key, ...rest] = line.split(' ')
      const value = rest.join(' ')
      if (key === 'branch.oid') head = value === '(initial)' ? null : value.slice(0, 7)
      else if (key === 'branch.head') branch = value === '(detached)' ? null : value
      else if (key === 'branch.upstream') upstream = value
      else if (key === 'branch.ab') {
        const m = /^\+(\d+) -(\d+)$/.exec(value)
        if (m) {
          ahead = Number(m[1])
          behind = Number(m[2])
        }
      }
      continue
    }
    if (type === '?') {
      const p = rel(line.slice(2))
      if (p !== null && p !== '') unstaged.add({ path: p, kind: '?' })
      continue
    }
    if (type === '1' || type === '2') {
      // 1 XY sub mH mI mW hH hI path | 2 XY sub mH mI mW hH hI Xscore path, then the original path.
      const fields = type === '1' ? 8 : 9
      const parts = splitFields(line, fields)
      const xy = parts[1] ?? '..'
      const path = rel(parts[fields] ?? '')
      const origRaw = type === '2' ? (tokens[++i] ?? '') : undefined
      if (path === null || path === '') continue
      const orig = origRaw === undefined ? undefined : (rel(origRaw) ?? `../${origRaw}`)
      const x = xy[0] ?? '.'
      const y = xy[1] ?? '.'
      if (KINDS.has(x)) {
        const kind = x as GitChangeKind
        staged.add(
          orig !== undefined && (kind === 'R' || kind === 'C')
            ? { path, origPath: orig, kind }
            : { path, kind },
        )
      }
      if (KINDS.has(y)) unstaged.add({ path, kind: y as GitChangeKind })
      continue
    }
    if (type === 'u') {
      const parts = splitFields(line, 10)
      const path = rel(parts[10] ?? '')
      if (path !== null && path !== '') conflicts.add({ path, kind: 'U' })
    }
  }
  return {
    state: 'repo',
    branch,
    head,
    ...(upstream !== undefined ? { upstream } : {}),
    ...(ahead !== undefined ? { ahead } : {}),
    ...(behind !== undefined ? { behind } : {}),
    staged: staged.done(),
    unstaged: unstaged.done(),
    conflicts: conflicts.done(),
  }
}

/** The first `n` space-separated fields, then the rest of the line (a path may hold spaces). */
function splitFields(line: string, n: number): string[] {
  const out: string[] = []
  let at = 0
  for (let k = 0; k < n; k++) {
    const sp = line.indexOf(' ', at)
    if (sp < 0) break
    out.push(line.slice(at, sp))
    at = sp + 1
  }
  out.push(line.slice(at))
  return out
}
