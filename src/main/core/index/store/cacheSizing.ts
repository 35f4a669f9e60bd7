// Apart from pgInstance.ts so the main thread can name it without loading PGlite (storeOpening.ts).
/**
 * Postgres' buffer cache sizing (see PgCache.fit), in kB: the size an index starts with, what a
 * very large index may take, and the step it grows by (each step up restarts Postgres once). A miss
 * in this cache is a read from the OS's file cache, not from the disk.
 */
export interface CacheSizing {
  minKb: number
  maxKb: number
  stepKb: number
  /**
   * The process runs one command and exits (the CLI's `index`, a `search` that no running Hearth
   * answers): the cache stays at minKb, is never warmed, and Postgres is never restarted for it.
   * The size PgCache.fit finds is still saved, for the next start of a process that stays.
   */
  oneCommand?: boolean
}
export const CACHE_SIZING: CacheSizing = { minKb: 16 * 1024, maxKb: 512 * 1024, stepKb: 32 * 1024 }
