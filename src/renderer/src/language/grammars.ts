import type { LanguageRegistration } from 'shiki/core'

type GrammarModule = Promise<{ default: LanguageRegistration[] }>

/**
 * TextMate grammars (VS Code's own, as shiki ships them) for Monaco's language ids, each its own
 * chunk loaded the first time a file of that language is shown. `name` is the grammar's name in
 * shiki. Languages not listed keep Monaco's Monarch tokenizer.
 */
export const GRAMMARS: Readonly<Record<string, { name: string; load: () => GrammarModule }>> = {
  typescript: { name: 'typescript', load: () => import('shiki/langs/typescript.mjs') },
  javascript: { name: 'javascript', load: () => import('shiki/langs/javascript.mjs') },
  json: { name: 'jsonc', load: () => import('shiki/langs/jsonc.mjs') },
  css: { name: 'css', load: () => import('shiki/langs/css.mjs') },
  scss: { name: 'scss', load: () => import('shiki/langs/scss.mjs') },
  less: { name: 'less', load: () => import('shiki/langs/less.mjs') },
  html: { name: 'html', load: () => import('shiki/langs/html.mjs') },
  markdown: { name: 'markdown', load: () => import('shiki/langs/markdown.mjs') },
  python: { name: 'python', load: () => import('shiki/langs/python.mjs') },
  go: { name: 'go', load: () => import('shiki/langs/go.mjs') },
  rust: { name: 'rust', load: () => import('shiki/langs/rust.mjs') },
  java: { name: 'java', load: () => import('shiki/langs/java.mjs') },
  c: { name: 'c', load: () => import('shiki/langs/c.mjs') },
  cpp: { name: 'cpp', load: () => import('shiki/langs/cpp.mjs') },
  shell: { name: 'shellscript', load: () => import('shiki/langs/shellscript.mjs') },
  yaml: { name: 'yaml', load: () => import('shiki/langs/yaml.mjs') },
  toml: { name: 'toml', load: () => import('shiki/langs/toml.mjs') },
  sql: { name: 'sql', load: () => import('shiki/langs/sql.mjs') },
  xml: { name: 'xml', load: () => import('shiki/langs/xml.mjs') },
  php: { name: 'php', load: () => import('shiki/langs/php.mjs') },
  ruby: { name: 'ruby', load: () => import('shiki/langs/ruby.mjs') },
  csharp: { name: 'csharp', load: () => import('shiki/langs/csharp.mjs') },
  kotlin: { name: 'kotlin', load: () => import('shiki/langs/kotlin.mjs') },
  swift: { name: 'swift', load: () => import('shiki/langs/swift.mjs') },
  dockerfile: { name: 'dockerfile', load: () => import('shiki/langs/dockerfile.mjs') },
  ini: { name: 'ini', load: () => import('shiki/langs/ini.mjs') },
  lua: { name: 'lua', load: () => import('shiki/langs/lua.mjs') },
}

/**
 * Monaco has one language id for .ts and .tsx ('typescript'), but TypeScript's grammar reads JSX
 * as casts and comparisons: a .tsx file shown in the editor switches 'typescript' to this one.
 */
export const TSX_GRAMMAR = { name: 'tsx', load: (): GrammarModule => import('shiki/langs/tsx.mjs') }
