/**
 * Builds the Python and Go code-search sets the way the shared kit builds its JavaScript one
 * (CodeSearchNet method: the query is the first sentence of a function's doc comment, the answer
 * the file defining it, every comment and docstring removed from the indexed copy), from real
 * packages that Debian ships as source. Versions are pinned, so a set is the same wherever it is
 * built; `apt-get download` fetches the .deb files (no root needed for that) and `dpkg -x` unpacks
 * them, so it needs a Debian or Ubuntu machine whose package lists have these versions (bookworm).
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/searchCorpus/makeCorpus.ts <out dir>
 * writes <out>/<language>/workspace/… and <out>/<language>/queries.jsonl ({"query","target"} a line)
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { goDocQuery, pythonDocQuery, stripGo, stripPython } from './strip'

interface Source {
  /** Folder name in the workspace. */
  name: string
  /** Where the package's sources lie once its .deb is unpacked. */
  root: string
}
interface LanguageSet {
  ext: string
  debs: string[]
  sources: Source[]
  strip: (src: string) => string
  docQuery: (src: string) => string | undefined
  /** Files that are not the package's code (tests, their data): not in the set, like the kit's. */
  skip: RegExp
}

const PY = 'usr/lib/python3/dist-packages'
const GO = 'usr/share/gocode/src'

export const SETS: Record<string, LanguageSet> = {
  python: {
    ext: '.py',
    debs: [
      'python3-requests=2.28.1+dfsg-1',
      'python3-click=8.1.3-2',
      'python3-jinja2=3.1.2-1+deb12u3',
      'python3-werkzeug=2.2.2-3+deb12u1',
      'python3-dateutil=2.8.2-2',
      'python3-rich=13.3.1-1',
      'python3-markdown=3.4.1-2+deb12u1',
      'python3-attr=22.2.0-1',
      'python3-toolz=0.12.0-1',
      'python3-httpx=0.23.3-1',
    ],
    sources: [
      'requests',
      'click',
      'jinja2',
      'werkzeug',
      'dateutil',
      'rich',
      'markdown',
      'attr',
      'attrs',
      'toolz',
      'httpx',
    ].map((n) => ({ name: n, root: `${PY}/${n}` })),
    strip: stripPython,
    docQuery: pythonDocQuery,
    skip: /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/,
  },
  go: {
    ext: '.go',
    debs: [
      'golang-github-gin-gonic-gin-dev=1.8.1-1',
      'golang-github-go-chi-chi-dev=5.0.7-1',
      'golang-github-google-go-cmp-dev=0.5.9-1',
      'golang-github-gorilla-mux-dev=1.8.0-1',
      'golang-github-labstack-echo-dev=4.2.1-3',
      'golang-github-prometheus-client-golang-dev=1.14.0-3',
      'golang-github-sirupsen-logrus-dev=1.9.0-1',
      'golang-github-spf13-cobra-dev=1.6.1-1',
      'golang-github-spf13-pflag-dev=1.0.6~git20210604-d5e0c0615ace-1',
      'golang-github-spf13-viper-dev=1.10.1-1',
      'golang-github-stretchr-testify-dev=1.8.1-1',
      'golang-github-urfave-cli-dev=1.22.9-2',
    ],
    sources: [
      ['gin', 'gin-gonic/gin'],
      ['chi', 'go-chi/chi'],
      ['go-cmp', 'google/go-cmp'],
      ['mux', 'gorilla/mux'],
      ['echo', 'labstack/echo'],
      ['client_golang', 'prometheus/client_golang'],
      ['logrus', 'sirupsen/logrus'],
      ['cobra', 'spf13/cobra'],
      ['pflag', 'spf13/pflag'],
      ['viper', 'spf13/viper'],
      ['testify', 'stretchr/testify'],
      ['cli', 'urfave/cli'],
    ].map(([name, path]) => ({ name: name as string, root: `${GO}/github.com/${path as string}` })),
    strip: stripGo,
    docQuery: goDocQuery,
    skip: /(^|\/)(testdata|_examples?)\/|_test\.go$/,
  },
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isSymbolicLink()) return []
    return e.isDirectory() ? walk(p) : [p]
  })
}

export function buildSet(out: string, language: string): { files: number; queries: number } {
  const set = SETS[language]
  if (!set) throw new Error(`no set ${language}`)
  const debDir = join(out, 'debs')
  const unpacked = join(out, 'unpacked')
  mkdirSync(debDir, { recursive: true })
  const have = new Set(readdirSync(debDir))
  const missing = set.debs.filter(
    (d) => ![...have].some((f) => f.startsWith(`${d.split('=')[0] as string}_`)),
  )
  if (missing.length > 0) execFileSync('apt-get', ['download', ...missing], { cwd: debDir, stdio: 'inherit' })
  for (const f of readdirSync(debDir))
    if (f.endsWith('.deb')) execFileSync('dpkg', ['-x', join(debDir, f), unpacked])

  const dir = join(out, language)
  rmSync(join(dir, 'workspace'), { recursive: true, force: true })
  const items: { query: string; target: string }[] = []
  let files = 0
  for (const src of set.sources) {
    const root = join(unpacked, src.root)
    for (const file of walk(root).sort()) {
      const rel = relative(root, file).split(sep).join('/')
      if (!file.endsWith(set.ext) || set.skip.test(rel)) continue
      const text = readFileSync(file, 'utf8')
      const stripped = set.strip(text)
      if (stripped.trim().length < 20) continue
      const target = `${src.name}/${rel}`
      const dest = join(dir, 'workspace', target)
      mkdirSync(dirname(dest), { recursive: true })
      writeFileSync(dest, stripped)
      files++
      const q = set.docQuery(text)
      if (q) items.push({ query: q, target })
    }
  }
  // A query whose text names several targets is ambiguous: keep the first only (as the kit does).
  const seen = new Set<string>()
  const uniq = items.filter((it) => !seen.has(it.query) && seen.add(it.query))
  writeFileSync(join(dir, 'queries.jsonl'), uniq.map((x) => JSON.stringify(x)).join('\n') + '\n')
  return { files, queries: uniq.length }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const out = process.argv[2]
  if (!out) {
    process.stderr.write('usage: makeCorpus.ts <out dir>\n')
    process.exit(2)
  }
  for (const language of Object.keys(SETS))
    console.log(JSON.stringify({ language, ...buildSet(out, language) }))
}
