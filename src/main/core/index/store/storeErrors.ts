import type { FailureReason } from '@shared/errors'

/**
 * What the index store makes of what its databases throw. Three kinds matter: the disk cannot
 * take writes now (full, over quota, read-only, no permission: keep the index and try later),
 * the data is damaged (repair it or rebuild it from the files), and anything else. Everything
 * crosses the workers as a sentence: PGlite's file system throws objects with no message
 * (`{ name: 'ErrnoError', errno: 51 }`), which printed as "[object Object]".
 *
 * Worker-side code: no runtime import of `@shared` (the store workers load their modules
 * themselves); the reasons are the shared FailureReason strings.
 */

/** How a file's skip reason starts when the store could not write it (the CLI counts these). */
export const STORE_ERROR = 'store error: '

/** Why the store cannot write now. */
export type WriteFailure = Extract<FailureReason, 'disk_full' | 'not_writable'>

/** A failure the store reports with a reason, from a worker to the main thread (workerClient.ts). */
export class StoreFailure extends Error {
  constructor(
    readonly reason: Extract<FailureReason, 'disk_full' | 'not_writable' | 'index_damaged'>,
    message: string,
  ) {
    super(message)
  }
}

/** Damage found in a database's files: the caller rebuilds it (set aside, opened anew). */
export class StoreDamage extends Error {}

// Emscripten's errno numbers (PGlite's file system), for the codes worth naming.
const EMSCRIPTEN_ERRNO: Record<number, string> = {
  2: 'EACCES',
  19: 'EDQUOT',
  22: 'EFBIG',
  29: 'EIO',
  33: 'EMFILE',
  41: 'ENFILE',
  44: 'ENOENT',
  51: 'ENOSPC',
  63: 'EPERM',
  69: 'EROFS',
}

const DESCRIBED: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOENT: 'no such file or directory',
}

const FULL = new Set(['ENOSPC', 'EDQUOT'])
const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM'])

// Postgres puts the system's own text (%m) into its messages: "could not write to file …: No
// space left on device". Its SQLSTATE 53100 (disk_full) covers short writes that name no errno.
const MESSAGE_CODES: [RegExp, string][] = [
  [/no space left on device/i, 'ENOSPC'],
  [/disk quota exceeded/i, 'EDQUOT'],
  [/read-only file system/i, 'EROFS'],
  [/: Permission denied/, 'EACCES'],
  [/: Operation not permitted/, 'EPERM'],
]

type Loose = {
  code?: unknown
  errno?: unknown
  name?: unknown
  message?: unknown
  cause?: unknown
  reason?: unknown
}

const asLoose = (err: unknown): Loose | null => (typeof err === 'object' && err !== null ? err : null)

/** The system error code behind anything thrown (Node's `code`, PGlite's errno, Postgres' text of it). */
export function systemCode(err: unknown, depth = 0): string | undefined {
  const e = asLoose(err)
  if (!e || depth > 3) return undefined
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code
  if (e.name === 'ErrnoError' && typeof e.errno === 'number') return EMSCRIPTEN_ERRNO[e.errno]
  if (e.code === '53100') return 'ENOSPC'
  if (typeof e.message === 'string')
    for (const [re, code] of MESSAGE_CODES) if (re.test(e.message)) return code
  return e.cause === undefined ? undefined : systemCode(e.cause, depth + 1)
}

/** Whether `err` says the disk cannot take writes now, and why; null for anything else. */
export function writeFailureOf(err: unknown): WriteFailure | null {
  const reason = asLoose(err)?.reason
  if (reason === 'disk_full' || reason === 'not_writable') return reason
  const code = systemCode(err)
  if (code && FULL.has(code)) return 'disk_full'
  if (code && NOT_WRITABLE.has(code)) return 'not_writable'
  return null
}

/**
 * The store's reason on a failure: a StoreFailure's (worker side), or a HearthError's that carried
 * it across (main thread).
 */
export function storeReasonOf(err: unknown): StoreFailure['reason'] | null {
  const reason = asLoose(err)?.reason
  return reason === 'disk_full' || reason === 'not_writable' || reason === 'index_damaged' ? reason : null
}

/** Whether `err` already carries the store's reason (and its own sentence for it). */
export function hasReason(err: unknown): boolean {
  return storeReasonOf(err) !== null
}

/** A readable sentence for anything thrown: never "[object Object]". */
export function describeError(err: unknown): string {
  if (typeof err === 'string') return err
  const e = asLoose(err)
  if (!e) return String(err)
  if (typeof e.message === 'string' && e.message !== '') return e.message
  const code = systemCode(err)
  if (code) return `${DESCRIBED[code] ?? 'file system error'} (${code})`
  if (e.name === 'ErrnoError' && typeof e.errno === 'number') return `file system error (errno ${e.errno})`
  if (typeof e.name === 'string' && e.name !== '') return e.name
  try {
    return JSON.stringify(err)
  } catch {
    return 'unknown error'
  }
}

/**
 * Damage a database reported while reading its own files: a block past the end of a truncated
 * file, a page that fails its checks. `file` is the relation's path in the data directory
 * (base/5/16912) when the message names one; `relation` when it names a relation.
 */
export interface DamageReport {
  file: string | null
  relation: string | null
  message: string
}

const DAMAGE_MESSAGE =
  /could not read blocks?\b|invalid page in block|unexpected zero page|contains unexpected|has wrong tuple order|is not a (btree|GIN)|index .* contains corrupted|could not access status of transaction/i

/** The damage `err` reports, or null when it reports none (a write failure is never damage). */
export function damageOf(err: unknown): DamageReport | null {
  if (storeReasonOf(err) || writeFailureOf(err)) return null
  const e = asLoose(err)
  if (!e) return null
  const message = describeError(err)
  // XX001 data_corrupted, XX002 index_corrupted.
  if (e.code !== 'XX001' && e.code !== 'XX002' && !DAMAGE_MESSAGE.test(message)) return null
  const file = /file "((?:base|global)\/[\d/]+?)(?:\.\d+)?"/.exec(message)?.[1] ?? null
  const relation = /(?:index|relation) "([\w.]+)"/.exec(message)?.[1] ?? null
  return { file, relation, message }
}

/** The message and reason a worker sends for a failure (worker.ts). */
export function failureMessage(err: unknown): {
  code: string
  message: string
  reason?: StoreFailure['reason']
} {
  if (err instanceof StoreFailure) return { code: 'unavailable', message: err.message, reason: err.reason }
  const message = describeError(err)
  const failure = writeFailureOf(err)
  if (failure)
    return {
      code: 'unavailable',
      message:
        failure === 'disk_full' ? `the disk is full: ${message}` : `cannot write the index: ${message}`,
      reason: failure,
    }
  const code = asLoose(err)?.code
  return { code: code === 'busy' ? 'busy' : 'internal', message }
}
