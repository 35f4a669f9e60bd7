import { closeSync, openSync, readdirSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** Corrupts a Postgres data directory: scribbles over its control file and every relation file's first page. */
export function scribblePg(pg: string): void {
  const garbage = Buffer.alloc(8192, 0xa5)
  const scribble = (f: string): void => {
    const fd = openSync(f, 'r+')
    writeSync(fd, garbage, 0, Math.min(garbage.length, statSync(f).size), 0)
    closeSync(fd)
  }
  scribble(join(pg, 'global', 'pg_control'))
  for (const d of readdirSync(join(pg, 'base')))
    for (const f of readdirSync(join(pg, 'base', d))) if (/^\d+$/.test(f)) scribble(join(pg, 'base', d, f))
}
