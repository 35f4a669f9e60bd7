import { pathUnder } from '@shared/paths'

/*
 * The explorer's checks on a name typed for a new or renamed entry, shown under the input as the
 * user types. The core checks again (path guard, existing names): these only make the common
 * mistakes clear before anything is sent, in words.
 */

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i
const MAX_NAME_BYTES = 255

export interface NameCheck {
  /** The name being typed. */
  name: string
  /** Names already in the target folder. */
  siblings: readonly string[]
  /** When renaming: the entry's current name (it may keep it, or change only its case). */
  current?: string
}

/** Why `name` cannot be used, or undefined when it can. */
export function nameProblem({ name, siblings, current }: NameCheck): string | undefined {
  if (name.trim() === '') return 'A file or folder name must be provided.'
  if (name.includes('/') || name.includes('\\'))
    return 'A name cannot contain / or \\. Create folders one at a time, or drag files into them.'
  if (/^[. ]+$/.test(name)) return `"${name}" is not a valid name.`
  if (name !== name.trim()) return 'A name cannot start or end with a space.'
  for (let i = 0; i < name.length; i++)
    if (name.charCodeAt(i) < 0x20) return 'A name cannot contain control characters.'
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) return 'This name is too long.'
  const stem = name.split('.')[0] ?? ''
  if (WINDOWS_DEVICE.test(stem)) return `"${name}" is a reserved name on Windows; choose another.`
  if (name === current) return undefined
  // Case-insensitive, as macOS and Windows see names; changing only the case of itself is fine.
  const lower = name.toLowerCase()
  const taken = siblings.find((s) => s.toLowerCase() === lower && s !== current)
  if (taken !== undefined) return `"${taken}" already exists here. Choose another name.`
  return undefined
}

/** `a/b/c.ts` → `a/b`; a top-level path → ''. */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

export const joinPath = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`)

/**
 * Where dropping `from` on folder `dir` would put it, or why it cannot go there. Undefined target
 * means "nothing to do" (it is already there).
 */
export function dropTarget(
  from: string,
  dir: string,
  siblings: readonly string[],
): { to?: string; problem?: string } {
  if (parentOf(from) === dir) return {}
  if (pathUnder(dir, from) !== null) return { problem: `Cannot move ${baseName(from)} into itself.` }
  const name = baseName(from)
  const taken = siblings.find((s) => s.toLowerCase() === name.toLowerCase())
  if (taken !== undefined)
    return { problem: `${dir || 'The workspace folder'} already has "${taken}". Nothing was moved.` }
  return { to: joinPath(dir, name) }
}

/** An absolute path for "Copy Path": the workspace root (as the core reports it) joined with `rel`. */
export function absolutePath(root: string, rel: string): string {
  const sep = /^[a-zA-Z]:\\|^\\\\/.test(root) ? '\\' : '/'
  if (rel === '') return root
  const trimmed = root.endsWith(sep) ? root.slice(0, -1) : root
  return `${trimmed}${sep}${sep === '\\' ? rel.replaceAll('/', '\\') : rel}`
}
