/**
 * tsconfig.json / jsconfig.json → the compiler options Monaco's TypeScript worker takes. Pure:
 * reading files is the caller's (`read`), so this runs in unit tests as is.
 */

/** Options as Monaco's worker takes them: enums as numbers, paths as the worker's file names. */
export type WorkerCompilerOptions = Record<string, unknown>

/**
 * JSON with comments and trailing commas (what tsconfig allows) → a value; undefined when it is
 * not valid even so. Strings are copied as they are, so `"//"` inside one stays.
 */
export function parseJsonc(text: string): unknown {
  let out = ''
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i] as string
    if (c === '"') {
      let j = i + 1
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      out += text.slice(i, j + 1)
      i = j + 1
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? n : end + 2
    } else {
      out += c
      i++
    }
  }
  // Trailing commas: a comma followed only by blanks before a closing bracket.
  out = out.replace(/,(\s*[}\]])/g, '$1')
  try {
    return JSON.parse(out.charCodeAt(0) === 0xfeff ? out.slice(1) : out) as unknown
  } catch {
    return undefined
  }
}

const TARGET: Record<string, number> = {
  es3: 0,
  es5: 1,
  es6: 2,
  es2015: 2,
  es2016: 3,
  es2017: 4,
  es2018: 5,
  es2019: 6,
  es2020: 7,
  es2021: 8,
  es2022: 9,
  es2023: 10,
  es2024: 11,
  esnext: 99,
}
const MODULE: Record<string, number> = {
  none: 0,
  commonjs: 1,
  amd: 2,
  umd: 3,
  system: 4,
  es6: 5,
  es2015: 5,
  es2020: 6,
  es2022: 7,
  esnext: 99,
  node16: 100,
  node18: 101,
  node20: 102,
  nodenext: 199,
  preserve: 200,
}
const MODULE_RESOLUTION: Record<string, number> = {
  classic: 1,
  node: 2,
  node10: 2,
  node16: 3,
  nodenext: 99,
  bundler: 100,
}
const JSX: Record<string, number> = {
  preserve: 1,
  react: 2,
  'react-native': 3,
  'react-jsx': 4,
  'react-jsxdev': 5,
}
const MODULE_DETECTION: Record<string, number> = { legacy: 1, auto: 2, force: 3 }
const NEW_LINE: Record<string, number> = { crlf: 0, lf: 1 }

const ENUMS: Record<string, Record<string, number>> = {
  target: TARGET,
  module: MODULE,
  moduleResolution: MODULE_RESOLUTION,
  jsx: JSX,
  moduleDetection: MODULE_DETECTION,
  newLine: NEW_LINE,
}

/** String options passed through as they are. */
const STRINGS = new Set(['jsxFactory', 'jsxFragmentFactory', 'jsxImportSource', 'reactNamespace'])

/**
 * Options that would do harm here: `types`/`typeRoots` name packages the worker finds as loaded
 * files instead (and would report missing otherwise), the rest are about emitting or the build.
 */
const DROPPED = new Set([
  'types',
  'typeRoots',
  'outDir',
  'outFile',
  'rootDir',
  'declarationDir',
  'tsBuildInfoFile',
  'composite',
  'incremental',
  'plugins',
  'noEmit',
])

/** `./a/../b` relative to a folder ('' is the workspace root) → a workspace-relative path. */
export function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/')) return normalize(rel.slice(1))
  return normalize(dir ? `${dir}/${rel}` : rel)
}

function normalize(path: string): string {
  const out: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') out.pop()
    else out.push(part)
  }
  return out.join('/')
}

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

/**
 * The worker's view of a tsconfig's `compilerOptions`. `configDir` is the workspace-relative
 * folder of the file that set them; `fileName(path)` turns a workspace path into the worker's
 * file name (the URI string its files have). Unknown strings are dropped rather than guessed.
 */
export function toWorkerOptions(
  raw: Record<string, unknown>,
  configDir: string,
  fileName: (path: string) => string,
): WorkerCompilerOptions {
  const out: WorkerCompilerOptions = {}
  for (const [key, value] of Object.entries(raw)) {
    if (DROPPED.has(key)) continue
    const table = ENUMS[key]
    if (table) {
      const v = typeof value === 'string' ? table[value.toLowerCase()] : undefined
      if (v !== undefined) out[key] = v
    } else if (typeof value === 'boolean' || typeof value === 'number') {
      out[key] = value
    } else if (key === 'lib' && Array.isArray(value)) {
      out.lib = value
        .filter((l): l is string => typeof l === 'string')
        .map((l) => `lib.${l.toLowerCase()}.d.ts`)
    } else if (key === 'baseUrl' && typeof value === 'string') {
      out.baseUrl = fileName(joinPath(configDir, value))
    } else if (key === 'paths' && isRecord(value)) {
      out.paths = value
    } else if (key === 'rootDirs' && Array.isArray(value)) {
      out.rootDirs = value
        .filter((d): d is string => typeof d === 'string')
        .map((d) => fileName(joinPath(configDir, d)))
    } else if (STRINGS.has(key) && typeof value === 'string') {
      out[key] = value
    }
  }
  // `paths` without `baseUrl` are relative to the tsconfig's folder (TypeScript's own rule).
  if (out.paths && out.baseUrl === undefined) out.pathsBasePath = fileName(configDir)
  return out
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export interface LoadedConfig {
  /** The file that was found (tsconfig.json or jsconfig.json), workspace-relative. */
  path: string
  options: WorkerCompilerOptions
}

/** At most this many `extends` are followed (a loop or a very deep chain ends here). */
const MAX_EXTENDS = 8

/** At most this many project references are read from a solution-style tsconfig. */
const MAX_REFERENCES = 8

type Read = (path: string) => Promise<string | undefined>

/**
 * Reads the workspace's tsconfig.json (else jsconfig.json) and what it extends: relative paths
 * and packages under node_modules. The nearer file's options win; `paths`/`baseUrl` keep the
 * folder of the file that set them. A solution-style tsconfig (only `references`, as Vite's
 * templates write) takes its references' options together, their `lib`s joined, since the worker
 * has one program for all files. Undefined when there is none (or it is not JSON).
 */
export async function loadConfig(
  read: Read,
  fileName: (path: string) => string,
): Promise<LoadedConfig | undefined> {
  for (const path of ['tsconfig.json', 'jsconfig.json']) {
    const text = await read(path)
    if (text === undefined) continue
    const json = parseJsonc(text)
    if (!isRecord(json)) return undefined
    const own = isRecord(json.compilerOptions) ? json.compilerOptions : {}
    const refs = Array.isArray(json.references) ? json.references : []
    if (Object.keys(own).length === 0 && json.extends === undefined && refs.length > 0) {
      let options: WorkerCompilerOptions = {}
      const libs = new Set<string>()
      for (const ref of refs.slice(0, MAX_REFERENCES)) {
        const refPath = isRecord(ref) && typeof ref.path === 'string' ? joinPath('', ref.path) : undefined
        if (!refPath) continue
        const file = refPath.endsWith('.json') ? refPath : joinPath(refPath, 'tsconfig.json')
        const refText = await read(file)
        if (refText === undefined) continue
        const o = await loadChain(read, fileName, file, refText)
        for (const l of (o.lib as string[] | undefined) ?? []) libs.add(l)
        options = { ...options, ...o }
      }
      if (libs.size > 0) options.lib = [...libs]
      return { path, options }
    }
    return { path, options: await loadChain(read, fileName, path, text) }
  }
  return undefined
}

/** One config file and the chain it extends, merged (the nearer file wins). */
async function loadChain(
  read: Read,
  fileName: (path: string) => string,
  path: string,
  text: string,
): Promise<WorkerCompilerOptions> {
  const chain: { dir: string; options: Record<string, unknown> }[] = []
  let current: string | undefined = path
  let currentText: string | undefined = text
  const seen = new Set<string>()
  while (current && currentText !== undefined && chain.length < MAX_EXTENDS && !seen.has(current)) {
    seen.add(current)
    const here = dirOf(current)
    const json = parseJsonc(currentText)
    if (!isRecord(json)) break
    chain.push({ dir: here, options: isRecord(json.compilerOptions) ? json.compilerOptions : {} })
    // An array of bases (TypeScript 5): the first is followed.
    const ext = Array.isArray(json.extends) ? (json.extends[0] as unknown) : json.extends
    current = undefined
    currentText = undefined
    if (typeof ext === 'string') {
      for (const candidate of extendsCandidates(here, ext)) {
        const t = await read(candidate)
        if (t !== undefined) {
          current = candidate
          currentText = t
          break
        }
      }
    }
  }
  let options: WorkerCompilerOptions = {}
  for (const { dir, options: raw } of chain.reverse())
    options = { ...options, ...toWorkerOptions(raw, dir, fileName) }
  return options
}

/** Where `"extends": spec` may live, seen from the folder `dir`. */
export function extendsCandidates(dir: string, spec: string): string[] {
  const withJson = (p: string): string[] => (p.endsWith('.json') ? [p] : [`${p}.json`, `${p}/tsconfig.json`])
  if (spec.startsWith('.') || spec.startsWith('/')) return withJson(joinPath(dir, spec))
  // A package (`@tsconfig/node20/tsconfig.json`, or a name whose tsconfig.json is meant), in the
  // node_modules of this folder or the nearest one above, as Node finds packages.
  const out: string[] = []
  for (let d: string | undefined = dir; d !== undefined; d = d === '' ? undefined : dirOf(d)) {
    const inModules = joinPath(d, `node_modules/${spec}`)
    out.push(...(spec.endsWith('.json') ? [inModules] : [`${inModules}/tsconfig.json`, `${inModules}.json`]))
  }
  return out
}
