import type * as MonacoApi from 'monaco-editor'
import { textmateThemeToMonacoTheme } from '@shikijs/monaco'
import { createHighlighterCore, type HighlighterCore } from 'shiki/core'
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript'
import { EncodedTokenMetadata, INITIAL, type StateStack } from 'shiki/textmate'
import type { editor, languages } from 'monaco-editor'
import { GRAMMARS, TSX_GRAMMAR } from './grammars'

/** Monaco's API (not imported from monacoSetup, which installs this module: no cycle). */
type Monaco = typeof MonacoApi

/** VS Code's default themes, the ones Monaco's vs / vs-dark imitate. */
export const THEMES = { light: 'light-plus', dark: 'dark-plus' } as const

/** Longer lines are left plain (minified bundles), as VS Code does. */
const MAX_LINE = 20_000
/** A line that takes longer than this keeps the tokens found so far. */
const LINE_TIME_LIMIT_MS = 500
/**
 * The first lines of a grammar also compile its regular expressions (lazily, rule by rule), which
 * can take longer than the limit on a slow machine: a line stopped early is tried once more with
 * this much, so the top of a file does not stay one color.
 */
const RETRY_TIME_LIMIT_MS = 5000

/**
 * TextMate highlighting in Monaco: shiki's grammars and themes through its JavaScript regex
 * engine (the CSP allows no WebAssembly compilation). The same idea as `shikiToMonaco`, but
 * grammars load per language on first use instead of all up front, and the theme is switched
 * here (light/dark) instead of by wrapping `monaco.editor.setTheme`.
 */
export class Textmate {
  private readonly monacoThemes = new Map<string, editor.IStandaloneThemeData>()
  private colorMap: string[] = []
  /** `color|style` → the theme rule's scope whose color it is (Monaco colors tokens by scope). */
  private readonly scopeByStyle = new Map<string, string>()
  private theme: string | undefined
  private tsx = false

  private constructor(
    private readonly monaco: Monaco,
    private readonly highlighter: HighlighterCore,
  ) {
    for (const name of highlighter.getLoadedThemes()) {
      const t = textmateThemeToMonacoTheme(highlighter.getTheme(name)) as editor.IStandaloneThemeData
      this.monacoThemes.set(name, t)
      monaco.editor.defineTheme(name, t)
    }
  }

  static async create(monaco: Monaco, dark: boolean): Promise<Textmate> {
    const highlighter = await createHighlighterCore({
      themes: [import('shiki/themes/light-plus.mjs'), import('shiki/themes/dark-plus.mjs')],
      langs: [],
      engine: createJavaScriptRegexEngine({ forgiving: true }),
    })
    const tm = new Textmate(monaco, highlighter)
    tm.setDark(dark)
    return tm
  }

  setDark(dark: boolean): void {
    const name = dark ? THEMES.dark : THEMES.light
    if (this.theme === name) return
    this.theme = name
    this.colorMap = this.highlighter.setTheme(name).colorMap
    this.scopeByStyle.clear()
    for (const rule of this.monacoThemes.get(name)?.rules ?? []) {
      const color = normalizeColor(rule.foreground)
      if (!color) continue
      const key = styleKey(color, rule.fontStyle ?? '')
      if (!this.scopeByStyle.has(key)) this.scopeByStyle.set(key, rule.token)
    }
    // Monaco re-tokenizes every model on a theme change, so the scopes follow the new colors.
    this.monaco.editor.setTheme(name)
  }

  /** The tokens provider for a Monaco language id, its grammar loaded first. */
  async provider(languageId: string): Promise<languages.TokensProvider | undefined> {
    const grammar = languageId === 'typescript' && this.tsx ? TSX_GRAMMAR : GRAMMARS[languageId]
    if (!grammar) return undefined
    await this.highlighter.loadLanguage((await grammar.load()).default)
    return this.tokensProvider(grammar.name)
  }

  /** Switches 'typescript' between TypeScript's grammar and TSX's (see TSX_GRAMMAR). */
  async setTsx(tsx: boolean): Promise<void> {
    if (this.tsx === tsx) return
    this.tsx = tsx
    const p = await this.provider('typescript')
    if (p && this.tsx === tsx) this.monaco.languages.setTokensProvider('typescript', p)
  }

  private tokensProvider(grammarName: string): languages.TokensProvider {
    const grammar = this.highlighter.getLanguage(grammarName)
    return {
      getInitialState: () => new GrammarState(INITIAL),
      tokenize: (line, state) => {
        const stack = (state as GrammarState).stack
        if (line.length >= MAX_LINE) return { endState: state, tokens: [{ startIndex: 0, scopes: '' }] }
        let r = grammar.tokenizeLine2(line, stack, LINE_TIME_LIMIT_MS)
        if (r.stoppedEarly) r = grammar.tokenizeLine2(line, stack, RETRY_TIME_LIMIT_MS)
        const tokens: languages.IToken[] = []
        for (let j = 0; j < r.tokens.length / 2; j++) {
          const meta = r.tokens[2 * j + 1] as number
          const color = normalizeColor(this.colorMap[EncodedTokenMetadata.getForeground(meta)])
          const style = fontStyleName(EncodedTokenMetadata.getFontStyle(meta))
          tokens.push({
            startIndex: r.tokens[2 * j] as number,
            scopes: color ? (this.scopeByStyle.get(styleKey(color, style)) ?? '') : '',
          })
        }
        return { endState: new GrammarState(r.ruleStack), tokens }
      },
    }
  }
}

/** Monaco compares states to know where re-tokenizing may stop: equal only when the stack is. */
class GrammarState implements languages.IState {
  constructor(readonly stack: StateStack) {}
  clone(): GrammarState {
    return new GrammarState(this.stack)
  }
  equals(other: languages.IState): boolean {
    return (
      other instanceof GrammarState &&
      (other === this || other.stack === this.stack || other.stack.equals(this.stack))
    )
  }
}

function normalizeColor(color: string | undefined): string | undefined {
  if (!color) return undefined
  let c = (color.startsWith('#') ? color.slice(1) : color).toLowerCase()
  if (c.length === 3 || c.length === 4)
    c = c
      .split('')
      .map((x) => x + x)
      .join('')
  return c
}

const STYLES = ['italic', 'bold', 'underline', 'strikethrough'] as const

function fontStyleName(bits: number): string {
  if (bits <= 0) return ''
  const out: string[] = []
  // TextMate's FontStyle bits (a const enum the build cannot import).
  if (bits & 1) out.push('italic')
  if (bits & 2) out.push('bold')
  if (bits & 4) out.push('underline')
  if (bits & 8) out.push('strikethrough')
  return out.join(' ')
}

function styleKey(color: string, fontStyle: string): string {
  const style = STYLES.filter((s) => fontStyle.toLowerCase().includes(s)).join(' ')
  return style ? `${color}|${style}` : color
}
