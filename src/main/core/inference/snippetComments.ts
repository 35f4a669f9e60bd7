import type { Snippet } from './fimTypes'

const HASH = new Set([
  'python',
  'ruby',
  'shell',
  'shellscript',
  'bash',
  'sh',
  'zsh',
  'yaml',
  'toml',
  'r',
  'perl',
  'makefile',
  'dockerfile',
  'powershell',
  'elixir',
  'julia',
  'nim',
  'coffeescript',
  'ini',
  'properties',
])
const DASHES = new Set(['sql', 'lua', 'haskell', 'elm', 'ada', 'vhdl'])
const SEMI = new Set(['clojure', 'lisp', 'scheme', 'racket', 'asm'])
const PERCENT = new Set(['latex', 'tex', 'erlang', 'matlab', 'prolog'])
const BLOCK_HTML = new Set(['html', 'xml', 'markdown', 'svg', 'vue'])
const BLOCK_C = new Set(['css', 'scss', 'less'])

/** How a line comment starts in `language` (Monaco language ids), or a block pair. */
export function commentStyle(language: string | undefined): { open: string; close: string } {
  const l = (language ?? '').toLowerCase()
  if (HASH.has(l)) return { open: '# ', close: '' }
  if (DASHES.has(l)) return { open: '-- ', close: '' }
  if (SEMI.has(l)) return { open: '; ', close: '' }
  if (PERCENT.has(l)) return { open: '% ', close: '' }
  if (BLOCK_HTML.has(l)) return { open: '<!-- ', close: ' -->' }
  if (BLOCK_C.has(l)) return { open: '/* ', close: ' */' }
  return { open: '// ', close: '' }
}

/**
 * Repository snippets as comments ("Path: a/b.ts" then the code, each line commented), the
 * layout Continue and others use for models without repo-level tokens. Empty for no snippets,
 * so a prompt without context is byte-identical to the plain prefix.
 */
export function commentSnippets(snippets: readonly Snippet[], language: string | undefined): string {
  if (snippets.length === 0) return ''
  const { open, close } = commentStyle(language)
  const out: string[] = []
  for (const sn of snippets) {
    out.push(`${open}Path: ${sn.path}${close}`)
    for (const line of sn.text.replace(/\n+$/, '').split('\n')) out.push(`${open}${line}${close}`.trimEnd())
    out.push('')
  }
  return out.join('\n') + '\n'
}
