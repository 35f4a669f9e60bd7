import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../base/eventBus'
import { matchesExtension, projectSources } from './languageSources'
import { WorkspaceService } from './workspaceService'

let base: string
let ws: string
let svc: WorkspaceService

function put(rel: string, text: string): void {
  mkdirSync(dirname(join(ws, rel)), { recursive: true })
  writeFileSync(join(ws, rel), text)
}

const TS = ['.ts', '.tsx', '.js']
const paths = (r: { files: { path: string }[] }): string[] => r.files.map((f) => f.path).sort()

beforeEach(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-lang-')))
  ws = join(base, 'ws')
  mkdirSync(ws)
  put('.gitignore', 'dist/\n')
  put('a.ts', 'export const a = 1\n')
  put('src/b.tsx', 'export const b = <div />\n')
  put('src/c.js', 'module.exports = 1\n')
  put('README.md', '# not a source\n')
  put('dist/out.js', 'ignored\n')
  put('node_modules/left-pad/index.js', 'not read\n')
  put('node_modules/@types/node/index.d.ts', 'declare module "fs" {}\n')
  put('node_modules/@types/node/fs/promises.d.ts', 'declare module "fs/promises" {}\n')
  put('node_modules/@types/node/package.json', '{}\n')
  put('node_modules/@types/node/ts5.6/index.d.ts', 'declare module "fs" {}\n')
  svc = new WorkspaceService({ events: new EventBus(), stateDir: join(base, 'state'), watch: false })
  await svc.open(ws)
})

afterEach(async () => {
  await svc.dispose()
  rmSync(base, { recursive: true, force: true })
})

describe('projectSources', () => {
  it('reads the matching non-ignored files with their text', async () => {
    const r = await projectSources(svc, { extensions: TS })
    expect(paths(r)).toEqual(['a.ts', 'src/b.tsx', 'src/c.js'])
    expect(r.files.find((f) => f.path === 'a.ts')?.text).toBe('export const a = 1\n')
    expect(r.truncated).toBe(false)
  })

  it('adds the declarations under node_modules/@types when asked, nothing else from node_modules', async () => {
    const r = await projectSources(svc, { extensions: TS, includeTypes: true })
    expect(paths(r)).toEqual([
      'a.ts',
      'node_modules/@types/node/fs/promises.d.ts',
      'node_modules/@types/node/index.d.ts',
      'src/b.tsx',
      'src/c.js',
    ])
  })

  it('stops at the file cap and at the byte cap, and says so', async () => {
    const byCount = await projectSources(svc, { extensions: TS, maxFiles: 2 })
    expect(byCount.files).toHaveLength(2)
    expect(byCount.truncated).toBe(true)
    const byBytes = await projectSources(svc, { extensions: TS, maxBytes: 25 })
    expect(byBytes.files.length).toBe(1)
    expect(byBytes.truncated).toBe(true)
  })

  it('counts files over the per-file cap instead of reading them', async () => {
    put('big.ts', 'x'.repeat(5000))
    const r = await projectSources(svc, { extensions: TS, maxFileBytes: 1000 })
    expect(paths(r)).not.toContain('big.ts')
    expect(r.tooLarge).toBe(1)
    expect(r.truncated).toBe(false)
  })

  it('matches extensions case-insensitively, .d.ts as .ts', () => {
    expect(matchesExtension('A.TS', ['.ts'])).toBe(true)
    expect(matchesExtension('x.d.ts', ['.ts'])).toBe(true)
    expect(matchesExtension('x.json', ['.ts'])).toBe(false)
  })
})
