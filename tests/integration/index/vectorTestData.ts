import type { PGlite } from '@electric-sql/pglite'
import type { IndexDb } from '../../../src/main/core/index/store/indexDb'

/** White box: the PGlite instance an index's database runs on now (a restart replaces it). */
export const pgOf = (d: IndexDb): PGlite => (d as unknown as { db: PGlite }).db

/** A deterministic vector of `dims` components, nearest to itself among these. */
export const vec = (i: number, dims: number): number[] =>
  Array.from({ length: dims }, (_, k) => Math.sin(i * 12.9898 + k * 78.233) + (k === i % dims ? 2 : 0))
