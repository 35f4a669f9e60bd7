// Relative, not `@shared`: the store workers load this module themselves, without the alias.
import { formatBytes } from '../../../../shared/format'
import { lstatSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describeError, StoreFailure, type WriteFailure, writeFailureOf } from './storeErrors'

/**
 * Room on the disk under an index. A database that fails to open on a disk that cannot take
 * writes is not corrupt: it is kept, and the failure says so (setAside.ts asks here before it
 * renames anything).
 */

/**
 * Less free space than this and a rebuild could not finish anyway: a new database is about 40 MB
 * before it holds anything (its catalog and a 16 MB WAL segment), and an index needs two. Setting
 * a directory aside to rebuild it there would only add a half-made one beside it.
 */
export const REBUILD_NEEDS_BYTES = 64 * 1024 * 1024

/** Free bytes for this process on the file system holding `dir`; null when it cannot be asked. */
export function freeBytes(dir: string): number | null {
  try {
    const st = statfsSync(dir)
    return Number(st.bavail) * Number(st.bsize)
  } catch {
    return null
  }
}

/**
 * Whether `dir` can take writes now: too little room for a rebuild, or a small write there fails
 * with a full disk, a quota, a read-only file system or no permission. Null: it can (so a failure
 * to open is the database's own).
 */
export function probeWritable(dir: string): WriteFailure | null {
  const free = freeBytes(dir)
  if (free !== null && free < REBUILD_NEEDS_BYTES) return 'disk_full'
  const probe = join(dir, `.hearth-write-probe-${process.pid}`)
  try {
    writeFileSync(probe, Buffer.alloc(64 * 1024))
    return null
  } catch (err) {
    return writeFailureOf(err)
  } finally {
    rmSync(probe, { force: true })
  }
}

/** The failure for a database in `dir` that could not be opened or written because of its disk. */
export function cannotWrite(dir: string, failure: WriteFailure, cause: unknown): StoreFailure {
  if (failure === 'disk_full') {
    const free = freeBytes(dir)
    const room = free === null ? '' : `, ${formatBytes(free)} free`
    return new StoreFailure(
      'disk_full',
      `the disk is full (${dir}${room}): the index there is kept as it was (${describeError(cause)})`,
    )
  }
  return new StoreFailure(
    'not_writable',
    `cannot write to ${dir} (${describeError(cause)}): the index there is kept as it was`,
  )
}

/** Bytes the files under `path` take (what the user sees as the index's size); 0 when absent. */
export function treeBytes(path: string): number {
  let st
  try {
    st = lstatSync(path)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.size
  let sum = 0
  let names: string[]
  try {
    names = readdirSync(path)
  } catch {
    return 0
  }
  for (const n of names) sum += treeBytes(join(path, n))
  return sum
}

export { formatBytes }
