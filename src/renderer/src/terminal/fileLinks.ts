export interface FileLinkMatch {
  /** UTF-16 offsets of the link in the line, end exclusive. */
  start: number
  end: number
  path: string
  /** 1-based. */
  line: number
  column?: number
}

/**
 * `path:line`, `path:line:col` (compilers, grep -n, stack traces) and `path(line,col)` (tsc, MSBuild).
 * The last path segment needs an extension, so times (`12:30:45`), `host:8080` and `Makefile:3`
 * are left alone; a path preceded by a word character, `/`, `.` or `-` is the tail of something
 * longer (a URL) and is left to the web-links addon.
 */
const LINK =
  /(?<![\w./\\-])((?:\.{1,2}\/|\/)?(?:[\w@+-][\w.@+-]*\/)*[\w@+-][\w.@+-]*\.[A-Za-z0-9]+)(?::(\d+)(?::(\d+))?|\((\d+),\s?(\d+)\))/g

/** Every file position in one line of terminal text. */
export function findFileLinks(text: string): FileLinkMatch[] {
  const found: FileLinkMatch[] = []
  for (const m of text.matchAll(LINK)) {
    const path = m[1]!
    const line = Number(m[2] ?? m[4])
    const col = m[3] ?? m[5]
    if (!(line > 0)) continue
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      path,
      line,
      ...(col !== undefined && Number(col) > 0 ? { column: Number(col) } : {}),
    })
  }
  return found
}

/**
 * The workspace-relative path a link names: relative to the folder (where the shell started), or
 * absolute inside it. Undefined for a path outside it (`../x`, `/etc/hosts`): the editor opens only
 * the folder's files.
 */
export function workspaceRelative(path: string, root: string): string | undefined {
  let rel = path
  if (path.startsWith('/')) {
    const base = root.endsWith('/') ? root : `${root}/`
    if (!path.startsWith(base)) return undefined
    rel = path.slice(base.length)
  }
  const parts: string[] = []
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (parts.length === 0) return undefined
      parts.pop()
    } else parts.push(seg)
  }
  return parts.length ? parts.join('/') : undefined
}
