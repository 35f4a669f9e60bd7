/**
 * A strict parser for the Prometheus text exposition format (0.0.4). Used to read Triton's
 * `/metrics` and, in tests, to prove our own `/metrics` is well-formed. Strict means: a
 * malformed line is an error naming the line, not a silently skipped sample.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
  timestamp?: number
}

export interface ParsedFamily {
  name: string
  type: MetricType
  help?: string
  samples: Sample[]
}

export interface ParseOptions {
  /** Every sample must belong to a family declared by a TYPE line (our own output). */
  requireType?: boolean
}

export class PrometheusParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`)
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function parseValue(s: string, line: number): number {
  if (s === '+Inf' || s === 'Inf') return Infinity
  if (s === '-Inf') return -Infinity
  if (s === 'NaN') return NaN
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s))
    throw new PrometheusParseError(line, `bad value "${s}"`)
  return Number(s)
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'))
}

/** Parses `{a="x",b="y"}` starting at text[0] === '{'; returns labels and the rest. */
function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {}
  let i = 1
  const skipSpace = (): void => {
    while (text[i] === ' ' || text[i] === '\t') i++
  }
  for (;;) {
    skipSpace()
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) }
    const m = LABEL.exec(text.slice(i))
    if (!m) throw new PrometheusParseError(line, `bad label name at "${text.slice(i, i + 20)}"`)
    const key = m[0]
    i += key.length
    skipSpace()
    if (text[i] !== '=') throw new PrometheusParseError(line, `expected = after label ${key}`)
    i++
    skipSpace()
    if (text[i] !== '"') throw new PrometheusParseError(line, `expected " for label ${key}`)
    i++
    let value = ''
    for (;;) {
      const c = text[i]
      if (c === undefined) throw new PrometheusParseError(line, `unterminated value of label ${key}`)
      if (c === '"') break
      if (c === '\\') {
        const e = text[i + 1]
        if (e === 'n') value += '\n'
        else if (e === '\\' || e === '"') value += e
        else throw new PrometheusParseError(line, `bad escape \\${e ?? ''} in label ${key}`)
        i += 2
      } else {
        value += c
        i++
      }
    }
    i++
    if (key in labels) throw new PrometheusParseError(line, `duplicate label ${key}`)
    labels[key] = value
    skipSpace()
    if (text[i] === ',') i++
    else if (text[i] !== '}') throw new PrometheusParseError(line, `expected , or } after label ${key}`)
  }
}

/** Which declared family a sample name belongs to (histogram/summary suffixes). */
function familyOf(name: string, families: Map<string, ParsedFamily>): ParsedFamily | undefined {
  const direct = families.get(name)
  if (direct) return direct
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue
    const f = families.get(name.slice(0, -suffix.length))
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f
  }
  return undefined
}

export function parsePrometheusText(text: string, opts: ParseOptions = {}): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>()
  const lines = text.split('\n')
  if (text.length && !text.endsWith('\n'))
    throw new PrometheusParseError(lines.length, 'exposition must end with a newline')
  lines.forEach((raw, idx) => {
    const line = idx + 1
    const l = raw.replace(/\r$/, '')
    if (l.trim() === '') return
    if (l.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(l)
      if (!m) return // any other comment
      const [, kind, name = '', rest = ''] = m
      if (!NAME.test(name) || NAME.exec(name)?.[0] !== name)
        throw new PrometheusParseError(line, `bad metric name "${name}"`)
      let f = families.get(name)
      if (kind === 'TYPE') {
        const type = rest.trim()
        if (!TYPES.has(type)) throw new PrometheusParseError(line, `bad type "${type}"`)
        if (f?.samples.length) throw new PrometheusParseError(line, `TYPE for ${name} after its samples`)
        if (f && f.type !== 'untyped') throw new PrometheusParseError(line, `second TYPE for ${name}`)
        if (!f) families.set(name, (f = { name, type: type as MetricType, samples: [] }))
        f.type = type as MetricType
      } else {
        if (f?.help !== undefined) throw new PrometheusParseError(line, `second HELP for ${name}`)
        if (!f) families.set(name, (f = { name, type: 'untyped', samples: [] }))
        f.help = unescapeHelp(rest)
      }
      return
    }
    const nm = NAME.exec(l)
    if (!nm) throw new PrometheusParseError(line, `bad sample line "${l.slice(0, 40)}"`)
    const name = nm[0]
    let rest = l.slice(name.length)
    let labels: Record<string, string> = {}
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line))
    const parts = rest.trim().split(/\s+/)
    if (!rest.startsWith(' ') && !rest.startsWith('\t'))
      throw new PrometheusParseError(line, 'expected space before value')
    if (parts.length < 1 || parts.length > 2 || parts[0] === '')
      throw new PrometheusParseError(line, 'expected value [timestamp]')
    const value = parseValue(parts[0] ?? '', line)
    const sample: Sample = { name, labels, value }
    if (parts[1] !== undefined) {
      if (!/^-?\d+$/.test(parts[1])) throw new PrometheusParseError(line, `bad timestamp "${parts[1]}"`)
      sample.timestamp = Number(parts[1])
    }
    let f = familyOf(name, families)
    if (!f) {
      if (opts.requireType) throw new PrometheusParseError(line, `sample ${name} has no TYPE line`)
      families.set(name, (f = { name, type: 'untyped', samples: [] }))
    }
    if (f.type === 'histogram') {
      if (name === `${f.name}_bucket` && !('le' in labels))
        throw new PrometheusParseError(line, `${name} without le`)
      if (name === f.name) throw new PrometheusParseError(line, `histogram ${name} needs _bucket/_sum/_count`)
    }
    f.samples.push(sample)
  })
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f)
  return families
}

/** Buckets cumulative and sorted by le, +Inf present and equal to _count, per label set. */
function checkHistogram(f: ParsedFamily): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number }>()
  const keyOf = (labels: Record<string, string>): string =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(([a], [b]) => a.localeCompare(b)),
    )
  for (const s of f.samples) {
    const k = keyOf(s.labels)
    const g = groups.get(k) ?? { buckets: [] }
    groups.set(k, g)
    if (s.name.endsWith('_bucket')) g.buckets.push([parseValue(s.labels.le ?? '', 0), s.value])
    else if (s.name.endsWith('_count')) g.count = s.value
  }
  for (const [k, g] of groups) {
    for (let i = 1; i < g.buckets.length; i++) {
      const [le0, c0] = g.buckets[i - 1] ?? [0, 0]
      const [le1, c1] = g.buckets[i] ?? [0, 0]
      if (!(le1 > le0)) throw new PrometheusParseError(0, `${f.name}${k}: le not increasing`)
      if (c1 < c0) throw new PrometheusParseError(0, `${f.name}${k}: buckets not cumulative`)
    }
    const last = g.buckets.at(-1)
    if (!last || last[0] !== Infinity) throw new PrometheusParseError(0, `${f.name}${k}: no le="+Inf" bucket`)
    if (g.count !== undefined && g.count !== last[1])
      throw new PrometheusParseError(0, `${f.name}${k}: +Inf bucket ≠ _count`)
  }
}
