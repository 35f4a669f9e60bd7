import { describe, expect, it } from 'vitest'
import { firstLines, lastLines } from './textLines'

describe('lastLines / firstLines', () => {
  it('agree with split / slice / join on every small text', () => {
    const alphabet = ['a', '\n', 'b', '\r\n']
    const texts: string[] = ['']
    for (let len = 1; len <= 6; len++)
      for (let k = 0; k < alphabet.length ** len; k++) {
        let t = ''
        for (let i = 0, x = k; i < len; i++, x = Math.floor(x / alphabet.length))
          t += alphabet[x % alphabet.length]
        texts.push(t)
      }
    for (const t of texts)
      for (let n = 1; n <= 5; n++) {
        expect(lastLines(t, n), JSON.stringify([t, n])).toBe(t.split('\n').slice(-n).join('\n'))
        expect(firstLines(t, n), JSON.stringify([t, n])).toBe(t.split('\n').slice(0, n).join('\n'))
      }
  })
})
