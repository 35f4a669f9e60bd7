import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { unpackTemplate } from './templateUnpack'

/** One ustar entry (header and padded data), as PGlite's dumpDataDir writes them. */
function entry(name: string, type: '0' | '5' | '2', data = ''): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0, 'utf8')
  h.write('0000600\0', 100)
  h.write(`${Buffer.byteLength(data).toString(8).padStart(11, '0')}\0`, 124)
  h.write('00000000000\0', 136)
  h.write(type, 156)
  h.write('ustar\0', 257)
  h.write('        ', 148)
  let sum = 0
  for (const b of h) sum += b
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(data) / 512) * 512)
  body.write(data)
  return Buffer.concat([h, body])
}
const END = Buffer.alloc(1024)

describe('unpackTemplate', () => {
  const dirs: string[] = []
  const fresh = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'hearth-unpack-'))
    dirs.push(d)
    return join(d, 'pg')
  }
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('writes the folders and files of a whole archive under the directory', () => {
    const dir = fresh()
    const big = 'x'.repeat(1300)
    unpackTemplate(
      Buffer.concat([
        entry('/PG_VERSION', '0', '17\n'),
        entry('/base', '5'),
        entry('/base/5/1259', '0', big),
        END,
      ]),
      dir,
    )
    expect(readFileSync(join(dir, 'PG_VERSION'), 'utf8')).toBe('17\n')
    expect(readFileSync(join(dir, 'base/5/1259'), 'utf8')).toBe(big)
    expect(readdirSync(dir).sort()).toEqual(['PG_VERSION', 'base'])
  })

  it('refuses what is not a whole archive of plain files and folders inside the directory', () => {
    const ok = entry('/PG_VERSION', '0', '17\n')
    const bad = Buffer.from(ok)
    bad[0] = 'Q'.charCodeAt(0) // the checksum no longer matches
    expect(() => unpackTemplate(Buffer.concat([bad, END]), fresh())).toThrow(/checksum/)
    expect(() => unpackTemplate(Buffer.concat([entry('/../escape', '0', 'x'), END]), fresh())).toThrow(
      /bad name/,
    )
    expect(() => unpackTemplate(Buffer.concat([entry('/link', '2'), END]), fresh())).toThrow(/entry type/)
    expect(() => unpackTemplate(ok.subarray(0, 600), fresh())).toThrow(/cut short/)
    expect(() => unpackTemplate(Buffer.from('not a tar'), fresh())).toThrow(/cut short/)
  })
})
