import { describe, expect, it } from 'vitest'
import { pathUnder } from '@shared/paths'
import { absolutePath, dropTarget, nameProblem } from './entryNames'

describe('nameProblem', () => {
  const siblings = ['src', 'README.md', 'a.ts']
  it('accepts ordinary names, and a rename to the same name or only another case', () => {
    expect(nameProblem({ name: 'b.ts', siblings })).toBeUndefined()
    expect(nameProblem({ name: '.env.local', siblings })).toBeUndefined()
    expect(nameProblem({ name: 'a.ts', siblings, current: 'a.ts' })).toBeUndefined()
    expect(nameProblem({ name: 'A.ts', siblings, current: 'a.ts' })).toBeUndefined()
  })
  it('explains each kind of bad name', () => {
    expect(nameProblem({ name: '', siblings })).toBe('A file or folder name must be provided.')
    expect(nameProblem({ name: '   ', siblings })).toBe('A file or folder name must be provided.')
    expect(nameProblem({ name: 'a/b', siblings })).toMatch(/cannot contain \//)
    expect(nameProblem({ name: '..', siblings })).toBe('".." is not a valid name.')
    expect(nameProblem({ name: ' x', siblings })).toBe('A name cannot start or end with a space.')
    expect(nameProblem({ name: 'con.ts', siblings })).toMatch(/reserved name on Windows/)
    expect(nameProblem({ name: 'x'.repeat(256), siblings })).toBe('This name is too long.')
    // Taken, whatever the case (macOS and Windows would see one file).
    expect(nameProblem({ name: 'readme.md', siblings })).toBe(
      '"README.md" already exists here. Choose another name.',
    )
    expect(nameProblem({ name: 'src', siblings, current: 'a.ts' })).toMatch(/"src" already exists/)
  })
})

describe('dropTarget', () => {
  it('moves into another folder, does nothing in the same one, refuses into itself or onto a name', () => {
    expect(dropTarget('a.ts', 'src', ['x.ts'])).toEqual({ to: 'src/a.ts' })
    expect(dropTarget('src/a.ts', '', ['lib'])).toEqual({ to: 'a.ts' })
    expect(dropTarget('src/a.ts', 'src', [])).toEqual({})
    expect(dropTarget('src', 'src/lib', [])).toEqual({ problem: 'Cannot move src into itself.' })
    expect(dropTarget('src', 'src', [])).toEqual({ problem: 'Cannot move src into itself.' })
    expect(dropTarget('a.ts', 'lib', ['A.ts']).problem).toBe('lib already has "A.ts". Nothing was moved.')
  })
})

describe('paths', () => {
  it('joins the root for Copy Path, with the separator of the machine that has the files', () => {
    expect(absolutePath('/home/u/proj', 'src/a.ts')).toBe('/home/u/proj/src/a.ts')
    expect(absolutePath('/home/u/proj', '')).toBe('/home/u/proj')
    expect(absolutePath('C:\\proj', 'src/a.ts')).toBe('C:\\proj\\src\\a.ts')
    expect(absolutePath('/', 'a')).toBe('/a')
  })
  it('pathUnder', () => {
    expect(pathUnder('src/a.ts', 'src')).toBe('/a.ts')
    expect(pathUnder('src', 'src')).toBe('')
    expect(pathUnder('srcx/a.ts', 'src')).toBeNull()
  })
})
