/**
 * A large real tree for the benchmarks: the JS/TS sources (and the .md/.json beside them) under the
 * project's own node_modules, copied under a temp folder with the folder names the index skips by
 * default (node_modules, dist, …) renamed so that the files count.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { DEFAULT_IGNORED_NAMES } from '../src/main/core/files/ignoreRules'

const EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx|md|json)$/
const repo = join(import.meta.dirname, '..')
const modules = join(repo, 'node_modules')

function collect(dir: string, out: string[]): void {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) collect(p, out)
    else if (e.isFile() && EXT.test(e.name) && statSync(p).size < 1024 * 1024) out.push(p)
  }
}

/** Up to `max` source files (absolute paths), in a stable order. */
export function realSources(max: number): string[] {
  const out: string[] = []
  collect(modules, out)
  return out.slice(0, max)
}

/** Where a source lands in the copy (workspace-relative). */
export function relOf(file: string): string {
  return relative(modules, file)
    .split(sep)
    .map((s) => (DEFAULT_IGNORED_NAMES.has(s) ? `_${s}` : s))
    .join('/')
}

export function copyTree(files: readonly string[], dest: string): void {
  for (const f of files) {
    const to = join(dest, relOf(f))
    mkdirSync(dirname(to), { recursive: true })
    copyFileSync(f, to)
  }
}
