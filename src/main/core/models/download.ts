import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import { HearthError, failureReason } from '@shared/errors'
import { formatBytes } from '@shared/format'
import type { HttpClient } from '../net/httpClient'
import { requestHubFile, type HubFileHeaders } from './hubRequest'
import { DownloadLock } from './downloadLock'
import { HashingWriter } from './hashingWriter'
import { ProgressMeter, type DownloadProgress } from './progressMeter'

export type { DownloadProgress } from './progressMeter'

export interface DownloadOptions {
  http: HttpClient
  url: URL
  /** Folder the finished file lands in (created when missing). */
  dir: string
  fileName: string
  /** The sha256 the bytes must have; without one, the hub's own (X-Linked-Etag) is required. */
  sha256?: string
  token?: string
  signal?: AbortSignal
  onProgress?: (p: DownloadProgress) => void
  /** Fresh connections after a cut before giving up (each resumes where the last stopped). */
  retries?: number
  /** Free bytes in `dir` (tests make a disk look full); statfs by default. */
  freeBytes?: (dir: string) => Promise<number>
  label?: string
}

export interface DownloadResult {
  path: string
  sha256: string
  bytes: number
  /** Bytes that came over the network this time (less than `bytes` after a resume). */
  downloadedBytes: number
  resumed: boolean
}

/** Head-room left on the disk after a download, so finishing one never fills the disk. */
const FREE_MARGIN = 64 * 1024 * 1024

interface PartialMeta {
  url: string
  sha256: string
  totalBytes?: number
}

export const partialPath = (dir: string, fileName: string): string => join(dir, `${fileName}.partial`)

async function statfsFree(dir: string): Promise<number> {
  const s = await fsp.statfs(dir)
  return s.bavail * s.bsize
}

const code = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined

const isDiskError = (err: unknown): boolean => code(err) === 'ENOSPC' || code(err) === 'EDQUOT'

/**
 * Downloads one file from the hub into `dir`, so that `dir/fileName` either does not exist or
 * holds exactly the verified bytes: the bytes go to `fileName.partial`, a cut connection resumes with
 * an HTTP Range request, the sha256 is checked over the whole file before an atomic rename puts it
 * in place. A cancelled or failed download keeps its partial file for the next try; one whose
 * bytes do not match is deleted.
 */
export async function downloadHubFile(o: DownloadOptions): Promise<DownloadResult> {
  const label = o.label ?? `the model server at ${o.url.origin}`
  await fsp.mkdir(o.dir, { recursive: true, mode: 0o700 })
  const target = join(o.dir, o.fileName)
  const lock = await DownloadLock.acquire(target)
  try {
    return await downloadLocked(o, target, label)
  } finally {
    await lock.release()
  }
}

async function downloadLocked(o: DownloadOptions, target: string, label: string): Promise<DownloadResult> {
  const partial = partialPath(o.dir, o.fileName)
  const metaPath = `${partial}.json`
  const meter = new ProgressMeter(o.onProgress)
  const retries = o.retries ?? 5
  let resumed = false
  let downloaded = 0
  for (let attempt = 0; ; attempt++) {
    // The hashing thread boots while the request goes out (its start-up is tens of ms).
    const writer = HashingWriter.spawn()
    try {
      const meta = await readMeta(metaPath)
      let have = await sizeOf(partial)
      // A partial from another URL or another version of the file is not ours to continue.
      if (have > 0 && (!meta || meta.url !== o.url.href || (o.sha256 && meta.sha256 !== o.sha256))) {
        await fsp.rm(partial, { force: true })
        have = 0
      }
      let hub
      try {
        hub = await requestHubFile(o.http, o.url, {
          offset: have,
          token: o.token,
          signal: o.signal,
          label,
          check: (info) => void expectedSha(o, info, label),
        })
      } catch (err) {
        if (attempt < retries && retryable(err, o.signal)) {
          await pause(attempt, o.signal)
          continue
        }
        throw err
      }
      const info = hub.info
      const sha256 = expectedSha(o, info, label)
      if (have > 0 && meta && meta.sha256 !== sha256) {
        // The file changed on the hub since the partial was written: start over.
        hub.response.discard()
        await fsp.rm(partial, { force: true })
        await writeMeta(metaPath, { url: o.url.href, sha256, totalBytes: info.totalBytes })
        continue
      }
      await writeMeta(metaPath, { url: o.url.href, sha256, totalBytes: info.totalBytes })
      if (hub.response.status === 416 || (hub.response.status === 206 && hub.start !== have)) {
        hub.response.discard()
        if (hub.response.status === 416 && info.totalBytes === have) {
          return await finishFile(partial, metaPath, target, sha256, have, downloaded, resumed, meter, label)
        }
        await fsp.rm(partial, { force: true })
        if (attempt < retries) continue
        throw new HearthError('invalid_result', `${label} did not resume the download where it stopped`)
      }
      const start = hub.response.status === 206 ? hub.start : 0
      resumed ||= start > 0
      const total = info.totalBytes
      if (total !== undefined) await checkFreeSpace(o, total - start)
      let fh
      try {
        fh = await fsp.open(partial, start > 0 ? 'r+' : 'w', 0o600)
        await fh.truncate(start)
        // The bytes already on disk are hashed (by the writer's thread) before new ones are added.
        if (start > 0) meter.update('checking', start, total)
        await writer.begin(fh, start)
      } catch (err) {
        hub.response.discard()
        await fh?.close().catch(() => undefined)
        throw err
      }
      try {
        meter.update('downloading', start, total, true)
        const w = writer
        // Each socket read lands in the writer's ring (no copy), with no promise per read.
        await hub.response.pipe({
          space: () => w.space(),
          take: (bytes) => {
            downloaded += bytes.length
            const more = w.take(bytes)
            meter.update('downloading', w.received, total)
            return more
          },
          ready: () => w.ready(),
        })
        await writer.finish()
        await fh.sync()
      } catch (err) {
        // The connection broke or was cancelled: what arrived is good, keep it for the resume.
        if (!isDiskError(err)) await writer.finish().catch(() => undefined)
        await fh.close().catch(() => undefined)
        if (isDiskError(err))
          throw new HearthError(
            'unavailable',
            `the disk is full: ${formatBytes(writer.written)} of the model are kept in ${o.dir} and the download resumes from there once space is freed`,
            { cause: code(err) },
          )
        if (attempt < retries && retryable(err, o.signal)) {
          await pause(attempt, o.signal)
          continue
        }
        throw err
      }
      const pos = writer.written
      let digest: string
      try {
        digest = await writer.digest()
      } finally {
        await fh.close()
      }
      if (total !== undefined && pos !== total) {
        if (attempt < retries) continue
        throw new HearthError('invalid_result', `${label} ended the download at ${pos} of ${total} bytes`)
      }
      return await finishFile(
        partial,
        metaPath,
        target,
        sha256,
        pos,
        downloaded,
        resumed,
        meter,
        label,
        digest,
      )
    } finally {
      await writer.close()
    }
  }
}

async function finishFile(
  partial: string,
  metaPath: string,
  target: string,
  sha256: string,
  bytes: number,
  downloaded: number,
  resumed: boolean,
  meter: ProgressMeter,
  label: string,
  computed?: string,
): Promise<DownloadResult> {
  meter.update('verifying', bytes, bytes, true)
  let digest: string
  if (computed !== undefined) digest = computed
  else {
    const h = createHash('sha256')
    await hashExisting(partial, bytes, h)
    digest = h.digest('hex')
  }
  if (digest !== sha256) {
    await fsp.rm(partial, { force: true })
    await fsp.rm(metaPath, { force: true })
    throw new HearthError(
      'invalid_result',
      `the downloaded file does not match its sha256 (expected ${sha256}, got ${digest}), so it was deleted: ${label} sent wrong bytes. Try again, or use another mirror`,
      { reason: 'malformed' },
    )
  }
  await fsp.rename(partial, target)
  await syncDir(target)
  await fsp.rm(metaPath, { force: true })
  meter.update('done', bytes, bytes, true)
  return { path: target, sha256, bytes, downloadedBytes: downloaded, resumed }
}

function expectedSha(o: DownloadOptions, info: HubFileHeaders, label: string): string {
  if (o.sha256 && info.sha256 && info.sha256 !== o.sha256)
    throw new HearthError(
      'invalid_result',
      `${label} offers a different version of this file (sha256 ${info.sha256}) than the pinned one (${o.sha256}); refusing to download it`,
    )
  const sha = o.sha256 ?? info.sha256
  if (!sha)
    throw new HearthError(
      'invalid_result',
      `${label} did not say what the file's sha256 is (no X-Linked-Etag), so Hearth cannot verify it; refusing to download it`,
    )
  return sha
}

async function checkFreeSpace(o: DownloadOptions, remaining: number): Promise<void> {
  const free = await (o.freeBytes ?? statfsFree)(o.dir)
  if (free < remaining + FREE_MARGIN)
    throw new HearthError(
      'unavailable',
      `not enough disk space for this model: it needs ${formatBytes(remaining)} more (plus ${formatBytes(FREE_MARGIN)} to spare) and ${o.dir} has ${formatBytes(free)} free`,
      { cause: 'ENOSPC' },
    )
}

function retryable(err: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return false
  const r = failureReason(err)
  return r === 'reset' || r === 'network' || r === 'stalled' || r === 'no_response' || r === 'refused'
}

async function pause(attempt: number, signal: AbortSignal | undefined): Promise<void> {
  const ms = Math.min(250 * 2 ** attempt, 4000)
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(t)
      resolve()
    })
  })
  signal?.throwIfAborted()
}

async function hashExisting(path: string, bytes: number, hash: Hash): Promise<void> {
  if (bytes === 0) return
  const stream = createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 4 * 1024 * 1024 })
  for await (const chunk of stream) hash.update(chunk as Buffer)
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await fsp.stat(path)).size
  } catch {
    return 0
  }
}

async function readMeta(path: string): Promise<PartialMeta | undefined> {
  try {
    const v = JSON.parse(await fsp.readFile(path, 'utf8')) as Partial<PartialMeta>
    return typeof v.url === 'string' && typeof v.sha256 === 'string' ? (v as PartialMeta) : undefined
  } catch {
    return undefined
  }
}

async function writeMeta(path: string, meta: PartialMeta): Promise<void> {
  await fsp.writeFile(path, JSON.stringify(meta), { mode: 0o600 })
}

async function syncDir(file: string): Promise<void> {
  const dir = join(file, '..')
  try {
    const h = await fsp.open(dir, 'r')
    try {
      await h.sync()
    } finally {
      await h.close()
    }
  } catch {
    // Not every platform can fsync a folder; the rename is still atomic.
  }
}
