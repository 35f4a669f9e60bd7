import { describe, expect, it } from 'vitest'
import { shellControlChar } from './shellKeys'

const key = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>> = {},
) => ({
  key: k,
  ctrlKey: true,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
})

describe('shellControlChar', () => {
  it("gives readline's Ctrl+letters to the shell", () => {
    expect(shellControlChar(key('w'))).toBe('\x17')
    expect(shellControlChar(key('l'))).toBe('\x0c')
    expect(shellControlChar(key('e'))).toBe('\x05')
    expect(shellControlChar(key('k'))).toBe('\x0b')
    expect(shellControlChar(key('A'))).toBe('\x01')
  })

  it('leaves quick open, the sidebar, the panel, copy and paste, and shifted or plain keys alone', () => {
    for (const k of ['p', 'b', 'j', 'c', 'v']) expect(shellControlChar(key(k))).toBeUndefined()
    expect(shellControlChar(key('p', { shiftKey: true }))).toBeUndefined()
    expect(shellControlChar(key('w', { ctrlKey: false }))).toBeUndefined()
    expect(shellControlChar(key('`'))).toBeUndefined()
    expect(shellControlChar(key('Enter'))).toBeUndefined()
  })
})
