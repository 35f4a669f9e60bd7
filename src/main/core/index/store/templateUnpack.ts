import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'

const BLOCK = 512

/**
 * Unpacks a template (the ustar archive PGlite's dumpDataDir writes: plain files and folders)
 * into `dir`, with Node's own file calls. PGlite's loadDataDir does the same through its
 * Emscripten file layer, a lookup, create and close per file and every byte copied again: ≈0.25 s
 * of a new index's start for ≈350 entries, against a few hundredths here. Throws on anything but
 * a whole archive of that shape (a bad checksum, another entry type, a name leading out of `dir`,
 * a cut-short end): the caller drops the template and makes the database anew.
 */
export function unpackTemplate(tar: Uint8Array, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  // Folders made so far: one mkdir per folder, not one per file (a system call each).
  const made = new Set<string>([dir])
  const folder = (path: string): void => {
    if (made.has(path)) return
    mkdirSync(path, { recursive: true, mode: 0o700 })
    made.add(path)
  }
  let off = 0
  for (;;) {
    if (off + BLOCK > tar.length) throw new Error('template archive: cut short')
    const h = tar.subarray(off, off + BLOCK)
    if (h.every((b) => b === 0)) return
    if (checksum(h) !== octal(h, 148, 8)) throw new Error('template archive: bad header checksum')
    const name = text(h, 345, 155) ? `${text(h, 345, 155)}/${text(h, 0, 100)}` : text(h, 0, 100)
    const parts = name.split('/').filter((p) => p !== '' && p !== '.')
    if (parts.length === 0 || parts.some((p) => p === '..'))
      throw new Error(`template archive: bad name ${name}`)
    const size = octal(h, 124, 12)
    const type = String.fromCharCode(h[156] ?? 0)
    const start = off + BLOCK
    const end = start + size
    if (end > tar.length) throw new Error('template archive: cut short')
    const path = join(dir, ...parts)
    if (type === '5') folder(path)
    else if (type === '0' || type === '\0') {
      folder(join(dir, ...parts.slice(0, -1)))
      const fd = openSync(path, 'wx', 0o600)
      try {
        for (let at = start; at < end;) at += writeSync(fd, tar, at, end - at)
      } finally {
        closeSync(fd)
      }
    } else throw new Error(`template archive: unexpected entry type ${JSON.stringify(type)}`)
    off = start + Math.ceil(size / BLOCK) * BLOCK
  }
}

function text(h: Uint8Array, at: number, len: number): string {
  const field = h.subarray(at, at + len)
  const nul = field.indexOf(0)
  return Buffer.from(nul === -1 ? field : field.subarray(0, nul)).toString('utf8')
}

function octal(h: Uint8Array, at: number, len: number): number {
  const s = text(h, at, len).trim()
  if (!/^[0-7]+$/.test(s)) throw new Error('template archive: bad number field')
  return parseInt(s, 8)
}

/** The header's checksum: every byte summed, the checksum field counted as spaces. */
function checksum(h: Uint8Array): number {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] ?? 0)
  return sum
}
