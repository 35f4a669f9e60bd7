import { describe, expect, it } from 'vitest'
import { formatBytes, progressFraction, progressText } from './format'

describe('download progress text', () => {
  it('names bytes, rate and time left', () => {
    expect(
      progressText({
        phase: 'downloading',
        bytes: 412 * 1024 ** 2,
        totalBytes: 1.6 * 1024 ** 3,
        bytesPerSecond: 38 * 1024 ** 2,
        etaSeconds: 95,
      }),
    ).toBe('412 MB of 1.6 GB · 38 MB/s · 1 min 35 s left')
    expect(progressText({ phase: 'downloading', bytes: 2048, bytesPerSecond: 0 })).toBe('2 KB')
    expect(progressText({ phase: 'verifying', bytes: 1, bytesPerSecond: 0 })).toBe('Verifying the sha256…')
    expect(formatBytes(531 * 1024 ** 2)).toBe('531 MB')
    expect(formatBytes(6.5 * 1024 ** 2)).toBe('6.5 MB')
    expect(formatBytes(512)).toBe('512 B')
    expect(progressFraction({ phase: 'downloading', bytes: 50, totalBytes: 200, bytesPerSecond: 0 })).toBe(
      0.25,
    )
  })
})
