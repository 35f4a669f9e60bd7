import { describe, expect, it } from 'vitest'
import { findFileLinks, workspaceRelative } from './fileLinks'

describe('findFileLinks', () => {
  it('finds path:line, path:line:col and path(line,col)', () => {
    expect(findFileLinks('src/a.ts:3')).toEqual([{ start: 0, end: 10, path: 'src/a.ts', line: 3 }])
    expect(findFileLinks('  at f (./lib/x.js:12:7)')).toEqual([
      { start: 8, end: 23, path: './lib/x.js', line: 12, column: 7 },
    ])
    expect(findFileLinks('src/b.ts(4,9): error TS2322')).toEqual([
      { start: 0, end: 13, path: 'src/b.ts', line: 4, column: 9 },
    ])
    expect(findFileLinks('/w/proj/main.go:10: x and README.md:2')).toMatchObject([
      { path: '/w/proj/main.go', line: 10 },
      { path: 'README.md', line: 2 },
    ])
  })

  it('leaves times, ports, URLs and extensionless names alone', () => {
    expect(findFileLinks('12:30:45 up 3 days')).toEqual([])
    expect(findFileLinks('listening on localhost:8080')).toEqual([])
    expect(findFileLinks('see https://example.com/a.js:3 and Makefile:3')).toEqual([])
    expect(findFileLinks('a.ts:0')).toEqual([])
  })
})

describe('workspaceRelative', () => {
  it('keeps relative paths inside the folder and maps absolute ones into it', () => {
    expect(workspaceRelative('src/a.ts', '/w/p')).toBe('src/a.ts')
    expect(workspaceRelative('./src/../lib/a.ts', '/w/p')).toBe('lib/a.ts')
    expect(workspaceRelative('/w/p/src/a.ts', '/w/p')).toBe('src/a.ts')
  })

  it('refuses what lies outside', () => {
    expect(workspaceRelative('../x.ts', '/w/p')).toBeUndefined()
    expect(workspaceRelative('/w/pp/x.ts', '/w/p')).toBeUndefined()
    expect(workspaceRelative('/etc/hosts.txt', '/w/p')).toBeUndefined()
  })
})
