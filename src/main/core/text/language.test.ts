import { describe, expect, it } from 'vitest'
import { languageForPath, languageOf } from './language'

describe('one language table', () => {
  it('gives the index its id and block style, and the editor its Monaco id', () => {
    expect(languageOf('src/a.tsx')).toEqual({ id: 'typescript', style: 'brace' })
    expect(languageOf('lib/x.py')).toEqual({ id: 'python', style: 'indent' })
    expect(languageForPath('src/a.tsx')).toBe('typescript')
    // Where Monaco has its own id, the index keeps its family (search filters group them).
    expect(languageOf('a.scss').id).toBe('css')
    expect(languageForPath('a.scss')).toBe('scss')
    expect(languageOf('Makefile').id).toBe('make')
    expect(languageForPath('build/Makefile')).toBe('makefile')
    expect(languageForPath('Dockerfile')).toBe('dockerfile')
  })

  it('unknown files: the extension for the index, plain text for the editor', () => {
    expect(languageOf('a.weird')).toEqual({ id: 'weird', style: 'none' })
    expect(languageOf('README')).toEqual({ id: 'text', style: 'none' })
    expect(languageForPath('a.weird')).toBe('plaintext')
    expect(languageForPath('notes.txt')).toBe('plaintext')
  })
})
