import type { DownloadProgress } from './contract/models'

const KB = 1024
const MB = 1024 ** 2
const GB = 1024 ** 3

/** Sizes the way every part of Hearth prints them: "512 B", "2 KB", "6.5 MB", "531 MB", "1.6 GB". */
export function formatBytes(n: number): string {
  if (n >= GB) return `${(n / GB).toFixed(1)} GB`
  if (n >= 10 * MB) return `${Math.round(n / MB)} MB`
  if (n >= MB) return `${(n / MB).toFixed(1)} MB`
  if (n >= KB) return `${Math.round(n / KB)} KB`
  return `${Math.max(0, Math.round(n))} B`
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`
}

/** "412 MB of 1.6 GB · 38 MB/s · 32 s left", or the step when there is no byte count yet. */
export function progressText(p: DownloadProgress): string {
  if (p.phase === 'connecting') return p.status ?? 'Connecting…'
  if (p.phase === 'checking') return 'Checking the part already downloaded…'
  if (p.phase === 'verifying') return p.status ?? 'Verifying the sha256…'
  if (p.phase === 'done') return 'Done'
  const parts = [
    p.totalBytes ? `${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}` : formatBytes(p.bytes),
  ]
  if (p.bytesPerSecond > 0) parts.push(`${formatBytes(p.bytesPerSecond)}/s`)
  if (p.etaSeconds !== undefined) parts.push(`${formatSeconds(p.etaSeconds)} left`)
  return parts.join(' · ')
}

export function progressFraction(p: DownloadProgress | undefined): number | undefined {
  if (!p?.totalBytes) return undefined
  return Math.min(1, p.bytes / p.totalBytes)
}
