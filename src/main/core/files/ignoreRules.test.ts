import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { IgnoreRules } from './ignoreRules'

describe('IgnoreRules', () => {
  const root = mkdtempSync(join(tmpdir(), 'hearth-ign-'))
  writeFileSync(join(root, '.gitignore'), '*.log\n/tmp/\nsecret.txt\n')
  mkdirSync(join(root, 'pkg', 'gen'), { recursive: true })
  writeFileSync(join(root, 'pkg', '.gitignore'), 'gen/\n!keep.log\n')
  const rules = new IgnoreRules(root)

  it.each([
    ['node_modules/x/index.js', false, true],
    ['src/.git/config', false, true],
    ['a.log', false, true],
    ['src/deep/a.log', false, true],
    ['tmp', true, true],
    ['src/tmp', true, false],
    ['secret.txt', false, true],
    ['pkg/gen', true, true],
    ['pkg/gen/x.ts', false, true],
    ['gen/x.ts', false, false],
    ['pkg/src/x.ts', false, false],
    ['pkg/keep.log', false, false],
    ['README.md', false, false],
  ])('%s (dir=%s) ignored=%s', (rel, isDir, expected) => {
    expect(rules.isIgnored(rel, isDir)).toBe(expected)
  })
})
