import { execFileSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LiteralFile } from '../../src/shared/contract/literalSearch'
import { HearthError } from '../../src/shared/errors'
import { Core } from '../../src/main/core/createCore'
import type { CallContext } from '../../src/main/core/rpc/handlers'

/**
 * Literal search through the contract on a real workspace (real index in PGlite, real files,
 * worker threads), compared with a plain scan of the same files and with `grep -rn`.
 */
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }

/** The fixture: text in LF and CRLF, a binary file, an ignored folder, names for whole-word and case. */
function writeFixture(root: string): void {
  const put = (rel: string, data: string | Buffer): void => {
    mkdirSync(join(root, rel, '..'), { recursive: true })
    writeFileSync(join(root, rel), data)
  }
  put(
    'src/options.ts',
    [
      'export function getSanitizedOptions(o: Options) {',
      '  const sanitized = { ...o } // getSanitizedOptions keeps defaults',
      '  return sanitized',
      '}',
      'const x = getSanitizedOptionsCache',
      '',
    ].join('\n'),
  )
  put(
    'src/win.ts',
    ['// written on Windows', 'const Options = getSanitizedOptions(opts)', 'let end = "x"', ''].join('\r\n'),
  )
  put('src/deep/nested/util.js', 'function foo() { return "FOO foo Foo" }\nfoo_bar(); food(); foo\n')
  put('docs/guide.md', '# Guide\n\nCall `getSanitizedOptions` first. Unicode: café, naïve foo.\n')
  put(
    'assets/logo.bin',
    Buffer.concat([Buffer.from('getSanitizedOptions'), Buffer.from([0, 1, 2, 3, 0]), Buffer.from('foo')]),
  )
  // A SHA and a ticket number in a file without "40" or "10": a quantifier's digits are no text.
  put('docs/commits.md', 'fixed in da39a3ee5e6b4b0d3255bfef95601890afd80709, ticket 0123456789\n')
  put('node_modules/pkg/index.js', 'getSanitizedOptions() // ignored folder\n')
  put('.gitignore', 'generated/\n')
  put('generated/out.ts', 'getSanitizedOptions // ignored by .gitignore\n')
  for (let i = 0; i < 300; i++)
    put(`many/file${i}.ts`, `export const value${i} = ${i} // foo ${i % 7 === 0 ? 'needle' : 'hay'}\n`)
}

/** Every text file the index would read (the fixture has no secrets, no minified or huge files). */
function plainFiles(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'generated' && e.name !== '.git') walk(p)
      } else if (!readFileSync(p).subarray(0, 8192).includes(0))
        out.push(relative(root, p).split('\\').join('/'))
    }
  }
  walk(root)
  return out.sort()
}

/** The plain scan: every line (without its `\r`) of every file, matched on its own. */
function plainScan(root: string, re: RegExp): string[] {
  const out: string[] = []
  for (const f of plainFiles(root)) {
    readFileSync(join(root, f), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const l = line.endsWith('\r') ? line.slice(0, -1) : line
        for (const m of l.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)))
          if (m[0] !== '') out.push(`${f}:${i + 1}:${m.index}:${m[0]}`)
      })
  }
  return out.sort()
}

const flat = (files: LiteralFile[]): string[] =>
  files
    .flatMap((f) =>
      f.lines.flatMap((l) =>
        l.ranges.map(([s, e]) => `${f.path}:${l.line}:${s + l.offset}:${l.text.slice(s, e)}`),
      ),
    )
    .sort()

/** Lines `grep -rn` finds (binary files and the ignored folders left out as the index does). */
function grep(root: string, args: string[]): string[] | null {
  try {
    const out = execFileSync(
      'grep',
      ['-rnI', '--exclude-dir=node_modules', '--exclude-dir=generated', ...args, '.'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
    return out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const [path, line] = l.replace(/^\.\//, '').split(':')
        return `${path}:${line}`
      })
      .sort()
  } catch (err) {
    const e = err as { status?: number; code?: string }
    if (e.code === 'ENOENT') return null // no grep here: the plain scan still checks
    if (e.status === 1) return []
    throw err
  }
}
const lineKeys = (files: LiteralFile[]): string[] =>
  files.flatMap((f) => f.lines.map((l) => `${f.path}:${l.line}`)).sort()

describe('literal search over a real workspace', () => {
  let root: string
  let core: Core
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hearth-literal-'))
    writeFixture(root)
    core = await Core.create({
      dataDir: mkdtempSync(join(tmpdir(), 'hearth-literal-data-')),
      workspace: root,
    })
    await core.index.ready()
  })
  afterAll(async () => {
    await core.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  const search = (args: Record<string, unknown>) =>
    core.dispatcher.dispatch('search.literal', args, ctx) as Promise<{
      files: LiteralFile[]
      matches: number
      source: string
      truncated: boolean
    }>

  const cases: { name: string; args: Record<string, unknown>; re: RegExp; grep: string[] }[] = [
    {
      name: 'exact, any case',
      args: { query: 'getsanitizedoptions' },
      re: /getsanitizedoptions/i,
      grep: ['-i', '-F', 'getsanitizedoptions'],
    },
    { name: 'match case', args: { query: 'Foo', caseSensitive: true }, re: /Foo/, grep: ['-F', 'Foo'] },
    {
      name: 'whole word',
      args: { query: 'foo', wholeWord: true },
      re: /(?<![A-Za-z0-9_])foo(?![A-Za-z0-9_])/i,
      grep: ['-i', '-w', '-F', 'foo'],
    },
    {
      name: 'whole word, case',
      args: { query: 'foo', wholeWord: true, caseSensitive: true },
      re: /(?<![A-Za-z0-9_])foo(?![A-Za-z0-9_])/,
      grep: ['-w', '-F', 'foo'],
    },
    {
      name: 'regex',
      args: { query: 'value\\d+ = \\d+', regex: true, caseSensitive: true },
      re: /value\d+ = \d+/,
      grep: ['-E', 'value[0-9]+ = [0-9]+'],
    },
    {
      name: 'regex anchored at line end (CRLF)',
      args: { query: '"x"$', regex: true },
      re: /"x"$/i,
      grep: [],
    },
    {
      name: 'special characters taken literally',
      args: { query: '{ ...o }' },
      re: /\{ \.\.\.o \}/i,
      grep: ['-i', '-F', '{ ...o }'],
    },
    {
      name: 'regex with a counted class (match case)',
      args: { query: '[0-9a-f]{40}', regex: true, caseSensitive: true },
      re: /[0-9a-f]{40}/,
      grep: ['-E', '[0-9a-f]{40}'],
    },
    {
      name: 'regex with a counted escape',
      args: { query: '\\d{10}', regex: true },
      re: /\d{10}/i,
      grep: ['-E', '[0-9]{10}'],
    },
    { name: 'non-ASCII', args: { query: 'café', caseSensitive: true }, re: /café/, grep: ['-F', 'café'] },
  ]

  for (const c of cases) {
    it(`${c.name}: the same matches as a plain scan and as grep -rn`, async () => {
      const r = await search(c.args)
      expect(flat(r.files)).toEqual(plainScan(root, c.re))
      expect(r.matches).toBe(plainScan(root, c.re).length)
      if (c.grep.length > 0) {
        const g = grep(root, c.grep)
        if (g) expect(lineKeys(r.files)).toEqual([...new Set(g)].sort())
      }
    })
  }

  it('finds a SHA with [0-9a-f]{40} in a file that does not contain "40"', async () => {
    for (const caseSensitive of [true, false]) {
      const r = await search({ query: '[0-9a-f]{40}', regex: true, caseSensitive })
      expect(r.files.map((f) => f.path)).toEqual(['docs/commits.md'])
    }
  })

  it("takes the index's file list once the index is ready", async () => {
    const r = await search({ query: 'foo' })
    expect(r.source, JSON.stringify(core.index.getStatus())).toBe('index')
  })

  it('CRLF: line numbers and columns right, no \\r in the text or the match', async () => {
    const r = await search({ query: 'getSanitizedOptions', caseSensitive: true, include: 'src/win.ts' })
    expect(r.files).toEqual([
      {
        path: 'src/win.ts',
        lines: [
          { line: 2, text: 'const Options = getSanitizedOptions(opts)', offset: 0, ranges: [[16, 35]] },
        ],
      },
    ])
    const end = await search({ query: 'x"', include: 'win.ts' })
    expect(end.files[0]?.lines[0]?.text).toBe('let end = "x"')
  })

  it('skips binary files and ignored folders', async () => {
    const r = await search({ query: 'getSanitizedOptions' })
    const paths = r.files.map((f) => f.path)
    expect(paths).not.toContain('assets/logo.bin')
    expect(paths.some((p) => p.startsWith('node_modules/') || p.startsWith('generated/'))).toBe(false)
    expect(paths).toEqual(['docs/guide.md', 'src/options.ts', 'src/win.ts'])
  })

  it('include and exclude globs', async () => {
    const only = async (args: Record<string, unknown>) =>
      (await search({ query: 'foo', ...args })).files.map((f) => f.path)
    expect(await only({ include: '*.js' })).toEqual(['src/deep/nested/util.js'])
    expect(await only({ include: 'src/**' })).toEqual(['src/deep/nested/util.js'])
    expect(await only({ include: 'docs, src/deep' })).toEqual(['docs/guide.md', 'src/deep/nested/util.js'])
    const all = await only({})
    expect(await only({ exclude: 'many' })).toEqual(all.filter((p) => !p.startsWith('many/')))
    expect(await only({ exclude: '*.ts, *.md' })).toEqual(['src/deep/nested/util.js'])
  })

  it('an invalid regex is a clear message, not a stack', async () => {
    const err = await search({ query: 'foo(bar', regex: true }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HearthError)
    expect((err as HearthError).code).toBe('invalid_argument')
    expect((err as HearthError).reason).toBe('bad_request')
    expect((err as HearthError).message).toBe(
      '"foo(bar" is not a valid regular expression: Unterminated group',
    )
  })

  it('stops at maxMatches and says so', async () => {
    const r = await search({ query: 'foo', maxMatches: 5 })
    expect(r.matches).toBe(5)
    expect(r.truncated).toBe(true)
    expect(r.files.flatMap((f) => f.lines.flatMap((l) => l.ranges))).toHaveLength(5)
  })

  it('streams files as events carrying the call’s streamId; the result holds the counts', async () => {
    const got: LiteralFile[] = []
    const off = core.events.subscribe((event, payload) => {
      const p = payload as { streamId: string; files: LiteralFile[] }
      if (event === 'search.literalFound' && p.streamId === 's1') got.push(...p.files)
    })
    const r = await search({ query: 'needle', streamId: 's1' })
    off()
    expect(r.files).toBeUndefined()
    expect(got.length).toBe(r.matches)
    expect(got.map((f) => f.path).sort()).toEqual(
      plainScan(root, /needle/i)
        .map((k) => k.split(':')[0])
        .sort(),
    )
  })

  it('a cancelled search ends with the signal', async () => {
    const ac = new AbortController()
    const p = core.dispatcher.dispatch(
      'search.literal',
      { query: 'foo' },
      { signal: ac.signal, transport: 'local' },
    )
    ac.abort()
    await expect(p).rejects.toBeTruthy()
  })

  it('a file changed on disk is searched as it is now', async () => {
    writeFileSync(join(root, 'many/file1.ts'), 'const fresh = "justWritten"\n')
    const r = await search({ query: 'justWritten' })
    expect(r.files.map((f) => f.path)).toEqual(['many/file1.ts'])
    expect(statSync(join(root, 'many/file1.ts')).size).toBeGreaterThan(0)
  })
})

describe('literal search and links', () => {
  it('never reads a file through a link out of the workspace; follows one that stays inside', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'hearth-literal-links-'))
    const root = join(parent, 'ws')
    mkdirSync(join(root, 'src'), { recursive: true })
    writeFileSync(join(parent, 'secret.txt'), 'outsideNeedle\n')
    writeFileSync(join(root, 'src/real.ts'), 'insideNeedle\n')
    symlinkSync(join(parent, 'secret.txt'), join(root, 'src/out.ts'))
    symlinkSync(join(root, 'src/real.ts'), join(root, 'src/alias.ts'))
    const core = await Core.create({
      dataDir: mkdtempSync(join(tmpdir(), 'hearth-literal-links-data-')),
      workspace: root,
    })
    try {
      await core.index.ready()
      const find = async (query: string) =>
        (
          (await core.dispatcher.dispatch('search.literal', { query }, ctx)) as { files: LiteralFile[] }
        ).files.map((f) => f.path)
      expect(await find('outsideNeedle')).toEqual([])
      expect(await find('insideNeedle')).toEqual(['src/alias.ts', 'src/real.ts'])
    } finally {
      await core.dispose()
      rmSync(parent, { recursive: true, force: true })
    }
  }, 90_000) // a Core of its own: slow to start on a loaded machine
})
