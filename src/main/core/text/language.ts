/**
 * The one extension → language table of the core: the index's language id (stored per chunk;
 * the search filter and the chunker's boundary rules use it) and the editor's (Monaco) id where
 * it differs, e.g. for the CLI, which has no editor to ask.
 */

export type BlockStyle = 'brace' | 'indent' | 'none'

interface LanguageInfo {
  id: string
  style: BlockStyle
}

interface Entry extends LanguageInfo {
  /** Monaco's language id, when it is not `id`. */
  editor?: string
}

const BY_EXT: Record<string, Entry> = {}
function add(style: BlockStyle, id: string, exts: string[], editor?: Record<string, string>): void {
  for (const e of exts) {
    const ed = editor?.[e]
    BY_EXT[e] = ed ? { id, style, editor: ed } : { id, style }
  }
}
add('brace', 'typescript', ['ts', 'tsx', 'mts', 'cts'])
add('brace', 'javascript', ['js', 'jsx', 'mjs', 'cjs'])
add('brace', 'go', ['go'])
add('brace', 'rust', ['rs'])
add('brace', 'java', ['java'])
add('brace', 'kotlin', ['kt', 'kts'])
add('brace', 'scala', ['scala'])
add('brace', 'c', ['c', 'h'])
add('brace', 'cpp', ['cc', 'cpp', 'cxx', 'hpp', 'hh', 'hxx', 'ino'])
add('brace', 'csharp', ['cs'])
add('brace', 'swift', ['swift'])
add('brace', 'php', ['php'])
add('brace', 'dart', ['dart'])
add('brace', 'css', ['css', 'scss', 'less'], { scss: 'scss', less: 'less' })
add('brace', 'json', ['json', 'jsonc'])
add('brace', 'zig', ['zig'])
add('indent', 'python', ['py', 'pyi'])
add('indent', 'yaml', ['yml', 'yaml'])
add('indent', 'ruby', ['rb'])
add('indent', 'nim', ['nim'])
add('none', 'markdown', ['md', 'mdx', 'markdown'])
add('none', 'shell', ['sh', 'bash', 'zsh'])
add('none', 'sql', ['sql'])
add('none', 'html', ['html', 'htm', 'vue', 'svelte'], { vue: 'vue' })
add('none', 'toml', ['toml'])
add('none', 'text', ['txt', 'rst'], { txt: 'plaintext', rst: 'plaintext' })
add('none', 'lua', ['lua'])
add('none', 'r', ['r'])
add('none', 'elixir', ['ex', 'exs'])
add('none', 'haskell', ['hs'])
add('none', 'julia', ['jl'])
add('none', 'xml', ['xml'])

const BY_NAME: Record<string, Entry> = {
  makefile: { id: 'make', style: 'none', editor: 'makefile' },
  dockerfile: { id: 'dockerfile', style: 'none' },
}

function entryOf(path: string): Entry | undefined {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
  const named = BY_NAME[name.toLowerCase()]
  if (named) return named
  const dot = name.lastIndexOf('.')
  return dot > 0 ? BY_EXT[name.slice(dot + 1).toLowerCase()] : undefined
}

/** The index's language for a path: known ones by extension or name, else the extension itself. */
export function languageOf(path: string): LanguageInfo {
  const e = entryOf(path)
  if (e) return { id: e.id, style: e.style }
  const name = path.slice(path.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
  return { id: ext || 'text', style: 'none' }
}

/** Monaco's language id for a file name; unknown files are plain text. */
export function languageForPath(path: string): string {
  const e = entryOf(path)
  return e ? (e.editor ?? e.id) : 'plaintext'
}

export const KNOWN_LANGUAGES: readonly string[] = [...new Set(Object.values(BY_EXT).map((l) => l.id))]
