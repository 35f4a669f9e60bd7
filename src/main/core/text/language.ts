/** Language by file extension: drives the chunker's boundary rules and the search filter. */

export type BlockStyle = 'brace' | 'indent' | 'none'

interface LanguageInfo {
  id: string
  style: BlockStyle
}

const BY_EXT: Record<string, LanguageInfo> = {}
function add(style: BlockStyle, id: string, exts: string[]): void {
  for (const e of exts) BY_EXT[e] = { id, style }
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
add('brace', 'css', ['css', 'scss', 'less'])
add('brace', 'json', ['json', 'jsonc'])
add('brace', 'zig', ['zig'])
add('indent', 'python', ['py', 'pyi'])
add('indent', 'yaml', ['yml', 'yaml'])
add('indent', 'ruby', ['rb'])
add('indent', 'nim', ['nim'])
add('none', 'markdown', ['md', 'mdx', 'markdown'])
add('none', 'shell', ['sh', 'bash', 'zsh'])
add('none', 'sql', ['sql'])
add('none', 'html', ['html', 'htm', 'vue', 'svelte'])
add('none', 'toml', ['toml'])
add('none', 'text', ['txt', 'rst'])
add('none', 'lua', ['lua'])

const BY_NAME: Record<string, LanguageInfo> = {
  Makefile: { id: 'make', style: 'none' },
  Dockerfile: { id: 'dockerfile', style: 'none' },
}

export function languageOf(path: string): LanguageInfo {
  const name = path.slice(path.lastIndexOf('/') + 1)
  const named = BY_NAME[name]
  if (named) return named
  const dot = name.lastIndexOf('.')
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
  return BY_EXT[ext] ?? { id: ext || 'text', style: 'none' }
}

export const KNOWN_LANGUAGES: readonly string[] = [...new Set(Object.values(BY_EXT).map((l) => l.id))]
