import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import { HearthError } from '@shared/errors'
import { CATALOGUE, type CatalogueModel } from './catalogue'

export interface InstalledModel {
  fileName: string
  path: string
  bytes: number
  /** The catalogue entry this file is, when it is one. */
  entry?: CatalogueModel
  /** A download that stopped before the end (resumable). */
  partial: boolean
}

/** The GGUF files in the models folder, finished ones and resumable partial ones. */
export async function listInstalled(dir: string): Promise<InstalledModel[]> {
  let names: string[]
  try {
    names = await fsp.readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const out: InstalledModel[] = []
  for (const name of names.sort()) {
    const partial = name.endsWith('.gguf.partial')
    if (!partial && !name.endsWith('.gguf')) continue
    const fileName = partial ? name.slice(0, -'.partial'.length) : name
    const st = await fsp.stat(join(dir, name)).catch(() => undefined)
    if (!st?.isFile()) continue
    const entry = CATALOGUE.find((m) => m.gguf.file.split('/').pop() === fileName)
    out.push({ fileName, path: join(dir, name), bytes: st.size, partial, ...(entry ? { entry } : {}) })
  }
  return out
}

/**
 * Deletes a model by catalogue id or file name, with its partial download if any. Only names that
 * are plain files in the models folder: never a path the caller made up.
 */
export async function removeInstalled(dir: string, nameOrId: string): Promise<string[]> {
  const installed = await listInstalled(dir)
  const match = installed.filter((m) => m.fileName === nameOrId || m.entry?.id === nameOrId)
  if (match.length === 0)
    throw new HearthError(
      'not_found',
      `no installed model "${nameOrId}" in ${dir} (see \`hearth models list\`)`,
    )
  const removed: string[] = []
  for (const m of match) {
    await fsp.rm(m.path, { force: true })
    if (m.partial) await fsp.rm(`${m.path}.json`, { force: true })
    removed.push(m.path)
  }
  return removed
}
