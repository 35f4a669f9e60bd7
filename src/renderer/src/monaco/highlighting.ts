import type * as MonacoApi from 'monaco-editor'
import type { Textmate } from '../language/textmate'
import { GRAMMARS } from '../language/grammars'

/** Monaco's API (not imported from monacoSetup, which installs this module: no cycle). */
type Monaco = typeof MonacoApi

let textmate: Promise<Textmate> | undefined
let loaded: Textmate | undefined
// Until an editor sets it (the chat panel may colorize code before any editor exists).
let dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches

function load(monaco: Monaco): Promise<Textmate> {
  // shiki and its themes are their own chunk, fetched when the first highlighted file is shown.
  textmate ??= import('../language/textmate')
    .then((m) => m.Textmate.create(monaco, dark))
    .then((tm) => (loaded = tm))
  // A failed fetch (the server restarting) is tried again by the next language that asks.
  textmate.catch(() => (textmate = undefined))
  return textmate
}

/**
 * Puts TextMate grammars in place of Monaco's Monarch tokenizers for the languages in GRAMMARS:
 * a tokens-provider factory replaces Monarch's before any model asks, so Monarch never loads for
 * them. A grammar that fails to load leaves that language plain rather than the editor broken.
 */
export function installHighlighting(monaco: Monaco): void {
  if (!monaco.languages.getLanguages().some((l) => l.id === 'toml'))
    monaco.languages.register({ id: 'toml', extensions: ['.toml'], aliases: ['TOML', 'toml'] })
  for (const id of Object.keys(GRAMMARS)) {
    monaco.languages.registerTokensProviderFactory(id, {
      create: async () => {
        try {
          return await (await load(monaco)).provider(id)
        } catch (err) {
          console.warn(`highlighting for ${id} failed to load`, err)
          return undefined
        }
      },
    })
  }
}

/** Light or dark editor theme: shiki's once it is loaded (the tokens follow it), Monaco's before. */
export function setEditorTheme(monaco: Monaco, isDark: boolean): void {
  dark = isDark
  if (loaded) loaded.setDark(isDark)
  else monaco.editor.setTheme(isDark ? 'vs-dark' : 'vs')
}

/** The shown file is .tsx (or not): Monaco's 'typescript' takes TSX's grammar while it is. */
export function showingTsx(monaco: Monaco, tsx: boolean): void {
  if (!tsx && !loaded) return
  load(monaco)
    .then((tm) => tm.setTsx(tsx))
    .catch((err: unknown) => console.warn('TSX highlighting failed to load', err))
}
