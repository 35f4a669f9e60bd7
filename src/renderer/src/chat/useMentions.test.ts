import { describe, expect, it } from 'vitest'
import { mentionAt } from './useMentions'

describe('mentionAt', () => {
  it('is the @word just before the caret, at the start or after a space', () => {
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' })
    expect(mentionAt('compare @src/col', 16)).toEqual({ start: 8, query: 'src/col' })
    expect(mentionAt('see @retryWith and more', 14)).toEqual({ start: 4, query: 'retryWith' })
  })

  it('is nothing inside an e-mail address, after a space or with the caret elsewhere', () => {
    expect(mentionAt('mail me@host', 12)).toBeUndefined()
    expect(mentionAt('@file done', 10)).toBeUndefined()
    expect(mentionAt('@file', 0)).toBeUndefined()
  })
})
