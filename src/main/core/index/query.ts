import { identifierTokens, splitIdentifier } from './identifiers'
import type { QueryTerm } from './store/protocol'

/** English function words that carry no search signal (the FTS dictionary drops most of these too). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the of to in on at by for from with without into onto over under about as and or nor but if then else ' +
    'is are was were be been being am do does did doing has have had having it its this that these those there ' +
    'which who whom whose what when where why how than too very can could should would will shall may might must ' +
    'not no yes all any both each few more most other some such only own same so just also i me my we our you your ' +
    'he him his she her they them their one ones given using use used via per otherwise else whether'
  ).split(' '),
)

/**
 * Abbreviations programmers write ↔ the words people search with. Both directions expand, so
 * "init db" finds `initialize(database)` and "initialize" finds `init()`. General programming
 * vocabulary only: nothing here may be tuned to a benchmark's packages.
 */
const ABBREVIATIONS: [string, string[]][] = [
  ['initialize', ['init']],
  ['string', ['str']],
  ['remove', ['rm']],
  ['delete', ['del']],
  ['array', ['arr']],
  ['object', ['obj']],
  ['number', ['num']],
  ['integer', ['int']],
  ['boolean', ['bool']],
  ['function', ['func', 'fn']],
  ['value', ['val']],
  ['values', ['vals']],
  ['index', ['idx']],
  ['length', ['len']],
  ['callback', ['cb']],
  ['element', ['elem', 'el']],
  ['property', ['prop']],
  ['properties', ['props']],
  ['argument', ['arg']],
  ['arguments', ['args']],
  ['parameter', ['param']],
  ['parameters', ['params']],
  ['message', ['msg']],
  ['configuration', ['config', 'cfg', 'conf']],
  ['directory', ['dir']],
  ['temporary', ['tmp', 'temp']],
  ['previous', ['prev']],
  ['current', ['cur', 'curr']],
  ['source', ['src']],
  ['destination', ['dest', 'dst']],
  ['maximum', ['max']],
  ['minimum', ['min']],
  ['count', ['cnt']],
  ['reference', ['ref']],
  ['request', ['req']],
  ['response', ['res', 'resp']],
  ['error', ['err']],
  ['attribute', ['attr']],
  ['buffer', ['buf']],
  ['character', ['char', 'ch']],
  ['document', ['doc']],
  ['environment', ['env']],
  ['expression', ['expr']],
  ['information', ['info']],
  ['iterator', ['iter']],
  ['iterate', ['iter']],
  ['position', ['pos']],
  ['pointer', ['ptr']],
  ['utility', ['util']],
  ['utilities', ['utils']],
  ['matrix', ['mat']],
  ['vector', ['vec']],
  ['quaternion', ['quat']],
  ['calculate', ['calc']],
  ['compare', ['cmp']],
  ['generate', ['gen']],
  ['execute', ['exec']],
  ['allocate', ['alloc']],
  ['concatenate', ['concat']],
  ['sequence', ['seq']],
  ['database', ['db']],
  ['context', ['ctx']],
  ['image', ['img']],
  ['button', ['btn']],
  ['address', ['addr']],
  ['authentication', ['auth']],
  ['authorization', ['auth', 'authz']],
  ['application', ['app']],
  ['specification', ['spec']],
  ['description', ['desc']],
  ['descending', ['desc']],
  ['ascending', ['asc']],
  ['memory', ['mem']],
  ['statistics', ['stats']],
  ['synchronize', ['sync']],
  ['asynchronous', ['async']],
  ['regular expression', ['regex', 'regexp', 're']],
  ['unique', ['uniq']],
  ['identifier', ['id']],
  ['package', ['pkg']],
  ['library', ['lib']],
  ['dictionary', ['dict']],
  ['collection', ['coll']],
  ['transaction', ['tx', 'txn']],
  ['connection', ['conn']],
  ['command', ['cmd']],
  ['options', ['opts']],
  ['option', ['opt']],
  ['previous', ['prev']],
  ['timestamp', ['ts']],
  ['milliseconds', ['ms']],
  ['seconds', ['sec', 'secs']],
  ['random', ['rand', 'rnd']],
  ['keyboard', ['kbd']],
  ['window', ['win']],
  ['variable', ['var']],
  ['template', ['tpl', 'tmpl']],
  ['implementation', ['impl']],
  ['result', ['res']],
  ['number of', ['n']],
]

const EXPANSIONS = new Map<string, Set<string>>()
for (const [full, abbrs] of ABBREVIATIONS) {
  if (full.includes(' ')) {
    for (const a of abbrs) addExpansion(a, full.split(' ')[0] ?? full)
    continue
  }
  for (const a of abbrs) {
    addExpansion(full, a)
    addExpansion(a, full)
  }
}
/** The long form of a known abbreviation (`init` → `initialize`), else the word itself. */
export function canonicalWord(word: string): string {
  return CANONICAL.get(word) ?? word
}
const CANONICAL = new Map<string, string>()
for (const [full, abbrs] of ABBREVIATIONS) {
  if (full.includes(' ')) continue
  for (const a of abbrs) if (!CANONICAL.has(a)) CANONICAL.set(a, full)
}

function addExpansion(from: string, to: string): void {
  let set = EXPANSIONS.get(from)
  if (!set) EXPANSIONS.set(from, (set = new Set()))
  set.add(to)
}

/** Abbreviations and their long forms for one lower-case word. */
export function expansionsOf(word: string): string[] {
  return [...(EXPANSIONS.get(word) ?? [])]
}

export interface ProcessedQuery {
  raw: string
  /** Weighted terms for full-text search: typed words 1, identifier parts 0.7, expansions 0.5. */
  terms: QueryTerm[]
  /** Lower-case content words (typed words and their parts), for snippets and highlighting. */
  words: string[]
}

export function processQuery(raw: string): ProcessedQuery {
  const weights = new Map<string, number>()
  const words: string[] = []
  const put = (w: string, weight: number): void => {
    if (w.length === 0 || STOP_WORDS.has(w)) return
    weights.set(w, Math.max(weights.get(w) ?? 0, weight))
  }
  for (const tok of identifierTokens(raw)) {
    const parts = splitIdentifier(tok)
    const joined = parts.join('')
    if (parts.length > 1) {
      put(joined, 1)
      for (const p of parts) put(p, 0.7)
    } else if (parts[0]) put(parts[0], 1)
    for (const p of parts) if (!STOP_WORDS.has(p)) words.push(p)
  }
  for (const [w, weight] of [...weights]) for (const e of expansionsOf(w)) put(e, weight * 0.5)
  return {
    raw,
    terms: [...weights].map(([text, weight]) => ({ text, weight })),
    words: [...new Set(words)],
  }
}

/**
 * A path glob as an anchored regular expression (Postgres and JS dialects agree on this subset).
 * `*` stays within a folder, `**` crosses folders, `{a,b}` alternates. A glob without a `/`
 * matches the file name at any depth (`*.ts`); a plain folder name matches everything below it.
 */
export function globToRegExp(glob: string): string {
  const g = glob.trim().replace(/^\.\//, '').replace(/\\/g, '/')
  const hasMagic = /[*?{[]/.test(g)
  if (!hasMagic) {
    // A plain name or path: that file or folder, at any depth.
    return `^(?:.*/)?${escape(g.replace(/\/+$/, ''))}(?:/.*)?$`
  }
  let re = ''
  for (let i = 0; i < g.length; i++) {
    const c = g[i] ?? ''
    if (c === '*') {
      if (g[i + 1] === '*') {
        i++
        if (g[i + 1] === '/') {
          i++
          re += '(?:.*/)?'
        } else re += '.*'
      } else re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '{') {
      const close = g.indexOf('}', i)
      if (close < 0) re += '\\{'
      else {
        re += `(?:${g
          .slice(i + 1, close)
          .split(',')
          .map(escape)
          .join('|')})`
        i = close
      }
    } else if (c === '[') {
      const close = g.indexOf(']', i)
      if (close < 0) re += '\\['
      else {
        re += `[${g
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`
        i = close
      }
    } else re += escape(c)
  }
  return g.includes('/') ? `^${re}$` : `^(?:.*/)?${re}$`
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
