import { type IndexStatus, SearchQuery } from '@shared/contract/search'
import { HearthError } from '@shared/errors'
import { DEFAULT_SEARCH, type SearchOptions } from '../core/index/hybridSearch'
import { indexSocketPaths } from '../core/index/cliSocket/socketPaths'
import { liveLockHolder, type LockInfo } from '../core/index/store/dataDirLock'
import { connectIndexSocket, type IndexSocketConnection } from './indexSocketClient'
import { lstatSync, rmSync } from 'node:fs'

/**
 * How long the process holding the index has to answer one call. It answers a search in well
 * under a second; one that does not answer at all (stopped in a debugger, stuck, swapping) must
 * not leave `hearth search` hanging for ever. HEARTH_CLI_SOCKET_TIMEOUT_MS overrides both (tests).
 */
const SEARCH_TIMEOUT_MS = 10_000
const STATUS_TIMEOUT_MS = 5_000

function callTimeoutMs(fallback: number): number {
  const v = Number(process.env.HEARTH_CLI_SOCKET_TIMEOUT_MS)
  return Number.isFinite(v) && v > 0 ? v : fallback
}

/** One result as `hearth search` prints it. */
export interface SearchLine {
  path: string
  startLine: number
  endLine: number
  score: number
  snippet: string
  snippetLine: number
}

export interface SearchAnswer {
  results: SearchLine[]
  notice?: string
  /** No good match: the results are only the closest there is. */
  weak?: boolean
  ms: number
}

/**
 * Whoever answers `hearth search` on one index: the Hearth process that holds it (the app's core
 * or `hearth serve`, over its socket: core/index/cliSocket), or, when none does, the index opened
 * here read-only. Same answers either way; the first costs a connection instead of two databases.
 */
export interface SearchTarget {
  /** 'here': this process opened the index; else the pid of the process that answers. */
  readonly answeredBy: 'here' | number
  search(query: string, opts: Partial<SearchOptions>): Promise<SearchAnswer>
  /** Said once before the results: the index holds no files, or is still being indexed. */
  notice(): Promise<string | undefined>
  close(): Promise<void>
}

export interface SearchTargetOptions {
  root: string
  dbDir: string
  /** The command that fills this index, for the empty-index notice (e.g. `hearth index ~/src/x`). */
  reindex: string
  /** Only full-text searches follow: an index opened here leaves its vector database closed. */
  fullTextOnly?: boolean
}

/**
 * Asks the live holder of the index when there is one; opens the index here otherwise, or when
 * the holder does not answer on its socket (an older Hearth, or one closing: the open then says
 * who holds the index, or finds it free).
 */
export async function openSearchTarget(o: SearchTargetOptions): Promise<SearchTarget> {
  const holder = liveLockHolder(o.dbDir)
  if (!holder) return localTarget(o)
  try {
    return await remoteTarget(o, holder)
  } catch (err) {
    if (!(err instanceof HearthError) || (err.code !== 'unavailable' && err.code !== 'timeout')) throw err
    // Connected but got no answer: the holder is alive and keeps the lock, so opening the index
    // here would only fail on it with a message about the wrong thing.
    if (err.details?.unanswered === true) throw err
  }
  try {
    return await localTarget(o)
  } catch (err) {
    // Still held, by a process that answers no searches (`hearth index`, an older Hearth).
    if (!(err instanceof HearthError) || err.code !== 'busy') throw err
    throw new HearthError(
      'busy',
      `index ${o.dbDir} is in use by pid ${holder.pid} (${holder.command}), which does not answer searches (the app and \`hearth serve\` do): try again when it has finished`,
      { ...holder },
    )
  }
}

async function remoteTarget(o: SearchTargetOptions, holder: LockInfo): Promise<SearchTarget> {
  const conn = await connectIndexSocket(o.dbDir)
  let status: IndexStatus
  try {
    status = await call(conn, holder, STATUS_TIMEOUT_MS, (signal) =>
      conn.client.call('index.status', {}, { signal }),
    )
  } catch (err) {
    conn.close()
    throw err
  }
  return {
    answeredBy: holder.pid,
    async search(query, opts) {
      // The contract's search takes what the app's search panel sends; these two are tuning flags
      // the running process does not take (it cannot be opened here while that process holds it).
      if (opts.fusion !== undefined && opts.fusion !== DEFAULT_SEARCH.fusion)
        throw new HearthError(
          'invalid_argument',
          `--fusion ${opts.fusion} needs the index opened here, and Hearth (pid ${holder.pid}) holds it: close it, or search without --fusion`,
        )
      const { fusion: _, ...args } = opts
      // The contract's bounds (200 results, 50 per file, a 2,000-character query), said in flags.
      const checked = SearchQuery.safeParse({ query, ...args })
      if (!checked.success)
        throw new HearthError(
          'invalid_argument',
          `Hearth (pid ${holder.pid}) holds this index and cannot take this search: ${checked.error.issues
            .map((i) => `${flagOf(i.path)}: ${i.message}`)
            .join('; ')} (close it to search with these)`,
        )
      const r = await call(conn, holder, SEARCH_TIMEOUT_MS, (signal) =>
        conn.client.call('search.query', { query, ...args }, { signal }),
      )
      return {
        results: r.results,
        ...(r.notice === undefined ? {} : { notice: r.notice }),
        ...(r.weak ? { weak: true } : {}),
        ms: r.ms,
      }
    },
    notice() {
      const by = `Hearth (pid ${holder.pid})`
      if (status.state === 'opening' || status.state === 'scanning' || status.state === 'indexing') {
        const p = status.progress ? ` (${status.progress.done}/${status.progress.total} files)` : ''
        return Promise.resolve(`${by} is still indexing this folder${p}: results may be incomplete`)
      }
      if (status.state === 'ready' && status.files === 0)
        return Promise.resolve(`the index at ${o.dbDir} holds no files (${by} has it open and found none)`)
      return Promise.resolve(undefined)
    },
    close() {
      conn.close()
      return Promise.resolve()
    },
  }
}

const FLAGS: Record<string, string> = {
  query: 'the query',
  limit: '--limit',
  maxPerFile: '--per-file',
  pathGlob: '--path',
  languages: '--lang',
  mode: '--mode',
}

function flagOf(path: readonly PropertyKey[]): string {
  const key = String(path[0] ?? '')
  return FLAGS[key] ?? key
}

/**
 * A call whose failure is the server's refusal when it refused (the socket closed behind it), and
 * that gives up after `ms` (callTimeoutMs) saying who did not answer and what to do about it.
 */
async function call<T>(
  conn: IndexSocketConnection,
  holder: LockInfo,
  ms: number,
  f: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const limit = callTimeoutMs(ms)
  const ac = new AbortController()
  const timer = setTimeout(() => ac.abort(), limit)
  try {
    return await f(ac.signal)
  } catch (err) {
    const denied = conn.denied()
    if (denied) throw denied
    if (ac.signal.aborted)
      throw new HearthError(
        'timeout',
        `the Hearth process ${holder.pid} that has this folder open did not answer within ${seconds(limit)}; try again, or close it to let hearth search open the index itself`,
        { pid: holder.pid, unanswered: true },
      )
    throw err
  } finally {
    clearTimeout(timer)
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}

async function localTarget(o: SearchTargetOptions): Promise<SearchTarget> {
  // Loaded only here: the databases' code is not needed when a running Hearth answers.
  const { WorkspaceIndex } = await import('../core/index/workspaceIndex')
  const idx = await WorkspaceIndex.open({
    root: o.root,
    dbDir: o.dbDir,
    embedder: 'stored',
    readOnly: true,
    oneCommand: true,
    vectors: o.fullTextOnly !== true,
  })
  // The lock is ours now: a socket still beside the index was left by a holder that died.
  removeStaleSocket(o.dbDir)
  return {
    answeredBy: 'here',
    search: (query, opts) => idx.search(query, opts),
    async notice() {
      // An empty index answers every query with nothing; say why (a new index of an empty folder,
      // or one an upgrade of the index format emptied: the app re-indexes on open, the CLI does not).
      if ((await idx.stats()).files === 0)
        return `the index at ${o.dbDir} holds no files: run \`${o.reindex}\``
      return undefined
    },
    close: () => idx.close(),
  }
}

function removeStaleSocket(dbDir: string): void {
  let paths
  try {
    paths = indexSocketPaths(dbDir)
  } catch {
    return
  }
  rmSync(paths.token, { force: true })
  if (process.platform === 'win32') return
  try {
    if (lstatSync(paths.socket).isSocket()) rmSync(paths.socket, { force: true })
  } catch {
    // none
  }
}
