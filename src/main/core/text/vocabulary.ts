/** The words of code search: English stop words and the abbreviations programmers write. */

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
