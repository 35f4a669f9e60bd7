import { describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { damageOf, describeError, failureMessage, StoreFailure, writeFailureOf } from './storeErrors'

// What PGlite's file system throws: an object with an errno and no message (ENOSPC is 51).
const errno = (n: number): object => ({ name: 'ErrnoError', errno: n })
// What Postgres reports, as PGlite's DatabaseError carries it.
const pgError = (code: string, message: string): Error => Object.assign(new Error(message), { code })

describe('store errors', () => {
  it('says what any thrown thing was, never "[object Object]"', () => {
    expect(describeError(errno(51))).toBe('no space left on device (ENOSPC)')
    expect(describeError(errno(12345))).toBe('file system error (errno 12345)')
    expect(describeError({ some: 'thing' })).toBe('{"some":"thing"}')
    expect(describeError('plain')).toBe('plain')
    expect(describeError(new Error('boom'))).toBe('boom')
    expect(failureMessage(errno(51)).message).not.toContain('[object Object]')
  })

  it('tells a disk that cannot take writes from everything else', () => {
    expect(writeFailureOf(errno(51))).toBe('disk_full')
    expect(writeFailureOf(errno(19))).toBe('disk_full')
    expect(writeFailureOf(errno(69))).toBe('not_writable')
    expect(
      writeFailureOf(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })),
    ).toBe('disk_full')
    expect(
      writeFailureOf(pgError('53100', 'could not extend file "base/5/1": wrote only 4096 of 8192 bytes')),
    ).toBe('disk_full')
    expect(
      writeFailureOf(pgError('58030', 'could not write to file "pg_wal/x": No space left on device')),
    ).toBe('disk_full')
    expect(writeFailureOf(new HearthError('unavailable', 'full', { reason: 'disk_full' }))).toBe('disk_full')
    expect(writeFailureOf(pgError('XX001', 'could not read blocks 3..3 in file "base/5/1"'))).toBeNull()
    expect(writeFailureOf(new Error('syntax error'))).toBeNull()
  })

  it('finds damage and the file it is in; a full disk is never damage', () => {
    const read = pgError(
      'XX001',
      'could not read blocks 286..286 in file "base/5/16912.1": read only 0 of 8192 bytes',
    )
    expect(damageOf(read)).toMatchObject({ file: 'base/5/16912', relation: null })
    expect(damageOf(pgError('XX002', 'index "chunks_tsv" has wrong tuple order'))).toMatchObject({
      file: null,
      relation: 'chunks_tsv',
    })
    expect(damageOf(pgError('53100', 'could not extend file "base/5/1": No space left on device'))).toBeNull()
    expect(damageOf(new StoreFailure('disk_full', 'the disk is full'))).toBeNull()
    expect(damageOf(new Error('relation "x" does not exist'))).toBeNull()
  })

  it('sends a reason across the worker boundary', () => {
    expect(failureMessage(pgError('53100', 'could not extend file'))).toEqual({
      code: 'unavailable',
      message: 'the disk is full: could not extend file',
      reason: 'disk_full',
    })
    expect(failureMessage(new StoreFailure('index_damaged', 'started anew'))).toEqual({
      code: 'unavailable',
      message: 'started anew',
      reason: 'index_damaged',
    })
    expect(failureMessage(new Error('x'))).toEqual({ code: 'internal', message: 'x' })
  })
})
