const MAX_HINT = 40

const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1) || path
const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')

/**
 * For tabs that share a file name, the folder to show beside the name (`index.js  src/a` vs
 * `index.js  src/b`), as VS Code does: the whole folder when it is short, otherwise its last
 * segments, as few as tell them apart, after '…/'. Unique names get no hint.
 */
export function tabHints(paths: readonly string[]): Map<string, string> {
  const byName = new Map<string, string[]>()
  for (const p of paths) {
    const list = byName.get(nameOf(p)) ?? []
    list.push(p)
    byName.set(nameOf(p), list)
  }
  const hints = new Map<string, string>()
  for (const group of byName.values()) {
    if (group.length < 2) continue
    const dirs = group.map(dirOf)
    const segs = dirs.map((d) => (d === '' ? [] : d.split('/')))
    const longest = Math.max(...segs.map((s) => s.length))
    let k = 1
    const suffix = (s: string[], n: number): string => s.slice(Math.max(0, s.length - n)).join('/')
    while (k < longest && new Set(segs.map((s) => suffix(s, k))).size < group.length) k++
    group.forEach((p, i) => {
      const dir = dirs[i] ?? ''
      const s = segs[i] ?? []
      if (dir === '') hints.set(p, '.')
      else if (dir.length <= MAX_HINT || s.length <= k) hints.set(p, dir)
      else hints.set(p, `…/${suffix(s, k)}`)
    })
  }
  return hints
}
