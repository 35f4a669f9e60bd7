import { describe, expect, it } from 'vitest'
import { languageForPath, languageLabel } from './languageForPath'

const langs = [
  { id: 'typescript', extensions: ['.ts', '.tsx', '.cts', '.mts'], aliases: ['TypeScript', 'ts'] },
  { id: 'javascript', extensions: ['.js', '.mjs'], aliases: ['JavaScript'] },
  { id: 'dockerfile', extensions: ['.dockerfile'], filenames: ['Dockerfile'], aliases: ['Dockerfile'] },
  { id: 'json', extensions: ['.json', '.code-workspace'] },
  { id: 'special', extensions: ['.test.ts'] },
]

describe('languageForPath', () => {
  it('maps extensions, case-insensitively', () => {
    expect(languageForPath('src/a/b.ts', langs)).toBe('typescript')
    expect(languageForPath('X.JSON', langs)).toBe('json')
  })
  it('prefers exact file names and the longest extension', () => {
    expect(languageForPath('deploy/Dockerfile', langs)).toBe('dockerfile')
    expect(languageForPath('a/b.test.ts', langs)).toBe('special')
  })
  it('falls back to plaintext', () => {
    expect(languageForPath('README', langs)).toBe('plaintext')
    expect(languageForPath('a.unknown', langs)).toBe('plaintext')
  })
  it('labels with the first alias', () => {
    expect(languageLabel('typescript', langs)).toBe('TypeScript')
    expect(languageLabel('plaintext', langs)).toBe('plaintext')
  })
})
