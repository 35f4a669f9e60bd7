// Draws resources/icon.png (512×512): a warm hearth flame on a dark rounded square.
// Generated rather than hand-drawn so the icon is reproducible without image tools.
import { deflateSync } from 'node:zlib'
import { writeFileSync } from 'node:fs'

const S = 512
const px = Buffer.alloc(S * S * 4)
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type, data) => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type), data])
  const c = Buffer.alloc(4)
  c.writeUInt32BE(crc(td))
  return Buffer.concat([len, td, c])
}
const inRounded = (x, y, r) => {
  const m = 24
  const cx = Math.min(Math.max(x, m + r), S - m - r)
  const cy = Math.min(Math.max(y, m + r), S - m - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= m && x < S - m && y >= m && y < S - m
}
// Flame: a teardrop, wider at the bottom, pointed at the top.
const flame = (x, y, cx, base, h, w) => {
  const t = (base - y) / h
  if (t < 0 || t > 1) return false
  const half = w * Math.sin(Math.PI * Math.min(1, t * 1.35 + 0.08)) * (1 - t * 0.85)
  return Math.abs(x - cx) <= half
}
for (let y = 0; y < S; y++) {
  for (let x = 0; x < S; x++) {
    const i = (y * S + x) * 4
    let rgba = [0, 0, 0, 0]
    if (inRounded(x, y, 96)) rgba = [32, 30, 38, 255]
    if (flame(x, y, 256, 420, 330, 150)) rgba = [232, 96, 40, 255]
    if (flame(x, y, 256, 420, 230, 95)) rgba = [250, 170, 60, 255]
    if (flame(x, y, 256, 420, 130, 50)) rgba = [255, 232, 150, 255]
    if (y > 428 && y < 452 && x > 136 && x < 376 && inRounded(x, y, 96)) rgba = [120, 72, 48, 255]
    px.set(rgba, i)
  }
}
const raw = Buffer.alloc(S * (S * 4 + 1))
for (let y = 0; y < S; y++) px.copy(raw, y * (S * 4 + 1) + 1, y * S * 4, (y + 1) * S * 4)
const ihdr = Buffer.alloc(13)
ihdr.writeUInt32BE(S, 0)
ihdr.writeUInt32BE(S, 4)
ihdr[8] = 8
ihdr[9] = 6
writeFileSync(
  new URL('../resources/icon.png', import.meta.url),
  Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]),
)
