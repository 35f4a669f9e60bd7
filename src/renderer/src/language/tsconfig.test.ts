import { describe, expect, it } from 'vitest'
import { extendsCandidates, joinPath, loadConfig, parseJsonc, toWorkerOptions } from './tsconfig'

const fileName = (p: string): string => `hearth://workspace/${p}`

describe('parseJsonc', () => {
  it('reads comments and trailing commas, keeping // inside strings', () => {
    const text = `\uFEFF{
      // a comment
      "compilerOptions": { /* block */ "baseUrl": "./src", "paths": { "@/*": ["http://x//*"], }, },
    }`
    expect(parseJsonc(text)).toEqual({
      compilerOptions: { baseUrl: './src', paths: { '@/*': ['http://x//*'] } },
    })
  })
  it('keeps escaped quotes and gives undefined for broken JSON', () => {
    expect(parseJsonc('{"a": "x\\"//y"}')).toEqual({ a: 'x"//y' })
    expect(parseJsonc('{"a": ')).toBeUndefined()
  })
})

describe('toWorkerOptions', () => {
  it('maps enum names to numbers, case-insensitively, and drops unknown ones', () => {
    const o = toWorkerOptions(
      {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'Bundler',
        jsx: 'react-jsx',
        strict: true,
        foo: 'bar',
      },
      '',
      fileName,
    )
    expect(o).toEqual({ target: 9, module: 199, moduleResolution: 100, jsx: 4, strict: true })
  })
  it('makes lib names into lib files and paths into worker file names', () => {
    const o = toWorkerOptions(
      { lib: ['ES2020', 'DOM.Iterable'], baseUrl: '.', paths: { '@/*': ['src/*'] } },
      'app',
      fileName,
    )
    expect(o.lib).toEqual(['lib.es2020.d.ts', 'lib.dom.iterable.d.ts'])
    expect(o.baseUrl).toBe('hearth://workspace/app')
    expect(o.paths).toEqual({ '@/*': ['src/*'] })
  })
  it('resolves paths without baseUrl from the config folder, and drops types and emit options', () => {
    const o = toWorkerOptions(
      { paths: { '~/*': ['./*'] }, types: ['node'], outDir: 'dist', noEmit: true },
      'pkg',
      fileName,
    )
    expect(o).toEqual({ paths: { '~/*': ['./*'] }, pathsBasePath: 'hearth://workspace/pkg' })
  })
})

describe('joinPath / extendsCandidates', () => {
  it('normalizes relative paths inside the workspace', () => {
    expect(joinPath('a/b', '../c/./d.json')).toBe('a/c/d.json')
    expect(joinPath('', './tsconfig.base.json')).toBe('tsconfig.base.json')
  })
  it('looks for relative bases and packages under node_modules', () => {
    expect(extendsCandidates('', './base')).toEqual(['base.json', 'base/tsconfig.json'])
    expect(extendsCandidates('', '@tsconfig/node20/tsconfig.json')).toEqual([
      'node_modules/@tsconfig/node20/tsconfig.json',
    ])
    expect(extendsCandidates('', '@acme/config')).toEqual([
      'node_modules/@acme/config/tsconfig.json',
      'node_modules/@acme/config.json',
    ])
  })
})

describe('loadConfig', () => {
  const files: Record<string, string> = {
    'tsconfig.json': '{ "extends": "./configs/base.json", "compilerOptions": { "strict": true, } }',
    'configs/base.json':
      '{ "extends": "@tsconfig/x/tsconfig.json", "compilerOptions": { "strict": false, "baseUrl": "..", "target": "es2020" } }',
    'node_modules/@tsconfig/x/tsconfig.json': '{ "compilerOptions": { "target": "es5", "jsx": "preserve" } }',
  }
  const read = (p: string): Promise<string | undefined> => Promise.resolve(files[p])

  it('follows extends, the nearer file winning, each path from its own folder', async () => {
    const c = await loadConfig(read, fileName)
    expect(c?.path).toBe('tsconfig.json')
    expect(c?.options).toEqual({ target: 7, jsx: 1, strict: true, baseUrl: 'hearth://workspace/' })
  })
  it('falls back to jsconfig.json, and to nothing', async () => {
    const js = await loadConfig(
      (p) => Promise.resolve(p === 'jsconfig.json' ? '{"compilerOptions":{"checkJs":true}}' : undefined),
      fileName,
    )
    expect(js).toEqual({ path: 'jsconfig.json', options: { checkJs: true } })
    expect(await loadConfig(() => Promise.resolve(undefined), fileName)).toBeUndefined()
  })
  it('joins the references of a solution-style tsconfig, their libs together', async () => {
    const sol: Record<string, string> = {
      'tsconfig.json':
        '{ "files": [], "references": [{ "path": "./tsconfig.node.json" }, { "path": "./web" }] }',
      'tsconfig.node.json': '{ "extends": "./base.json", "compilerOptions": { "lib": ["ES2023"] } }',
      'web/tsconfig.json':
        '{ "extends": "../base.json", "compilerOptions": { "lib": ["ES2023", "DOM"], "jsx": "react-jsx" } }',
      'base.json':
        '{ "compilerOptions": { "strict": true, "baseUrl": ".", "paths": { "@shared/*": ["src/shared/*"] } } }',
    }
    const c = await loadConfig((p) => Promise.resolve(sol[p]), fileName)
    expect(c?.options).toEqual({
      strict: true,
      baseUrl: 'hearth://workspace/',
      paths: { '@shared/*': ['src/shared/*'] },
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      jsx: 4,
    })
  })

  it('ends an extends loop', async () => {
    const loop: Record<string, string> = {
      'tsconfig.json': '{"extends":"./a.json"}',
      'a.json': '{"extends":"./tsconfig.json","compilerOptions":{"strict":true}}',
    }
    const c = await loadConfig((p) => Promise.resolve(loop[p]), fileName)
    expect(c?.options).toEqual({ strict: true })
  })
})
