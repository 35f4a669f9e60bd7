import type { PGlite } from '@electric-sql/pglite'
import type { IndexDb } from '../../../src/main/core/index/store/indexDb'

/**
 * The PGlite handle inside an IndexDb. White box on purpose: for checks only Postgres can answer
 * (a running setting, a table the store never returns whole). Not for changing the store's data.
 */
export const rawPg = (db: IndexDb): PGlite => (db as unknown as { db: PGlite }).db
