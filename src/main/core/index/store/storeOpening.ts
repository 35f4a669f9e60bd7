import { join } from 'node:path'
import { HearthError } from '@shared/errors'
import { CACHE_SIZING } from './cacheSizing'
import { MIGRATIONS } from './migrations'
import type { IndexApi, OpenResult } from './protocol'
import type { OpenFlags } from './storeTypes'
import { openOrSetAside } from './setAside'
import { StoreFailure } from './storeErrors'
import { WorkerClient, WorkerDied } from './workerClient'

/**
 * The store worker with its database open, as IndexStore reaches it. An index that exists is
 * opened before IndexStore.open returns (`opened` says what the open found). A new one (no
 * database in its directory yet) is opened in the background: starting Postgres and making the
 * database take most of a second, and meanwhile the workspace is walked and its first files read
 * and chunked (the prepare worker needs no database). Its `opened` is what a new database is
 * (empty, nothing set aside) until the open finishes; its file list is empty until then
 * (`newUntilOpen`). Calls that need the database wait for the open; if it failed (a full disk,
 * a directory that cannot be made), they fail with its error, and the next such call tries to
 * open it again: the caller's retry of a failed write reaches the open as a failed open would.
 */
export class StoreOpening {
  private client: WorkerClient<IndexApi> | null = null
  private attempt: Promise<WorkerClient<IndexApi>> | null = null
  private everOpened = false
  private closed = false

  private constructor(
    private readonly dataDir: string | null,
    private readonly flags: OpenFlags,
    private readonly isNew: boolean,
    public opened: OpenResult,
  ) {}

  /** Opens the database before returning (throws what the open throws). */
  static async open(dataDir: string | null, flags: OpenFlags): Promise<StoreOpening> {
    const s = new StoreOpening(dataDir, flags, false, NEW_INDEX)
    await s.worker()
    return s
  }

  /** A new index: returns at once, the database opens in the background (see above). */
  static background(dataDir: string, flags: OpenFlags): StoreOpening {
    const s = new StoreOpening(dataDir, flags, true, NEW_INDEX)
    // Its failure is every waiting call's (and the next call tries again): nothing to report here.
    s.worker().catch(() => undefined)
    return s
  }

  /** True while a new index was never opened: it holds no files yet. */
  get newUntilOpen(): boolean {
    return this.isNew && !this.everOpened
  }

  /** Why the worker is gone (it died or was closed), or null. */
  get dead(): Error | null {
    return this.client?.dead ?? null
  }

  /** The worker, once its database is open (opening it again when the last try failed). */
  worker(): Promise<WorkerClient<IndexApi>> {
    if (this.client) return Promise.resolve(this.client)
    if (this.closed) return Promise.reject(new HearthError('unavailable', 'index store is closed'))
    this.attempt ??= openWorker(this.dataDir, this.flags).then(
      ({ client, result }) => {
        // Set even when closing meanwhile: close() closes it (a clean shutdown, recorded).
        this.attempt = null
        this.client = client
        this.opened = result
        this.everOpened = true
        return client
      },
      (err: unknown) => {
        this.attempt = null
        throw asHearthError(err)
      },
    )
    return this.attempt
  }

  /** Closes the database (after an open in progress finishes) and stops the worker. */
  async close(): Promise<void> {
    this.closed = true
    await this.attempt?.catch(() => undefined)
    const client = this.client
    if (!client) return
    try {
      if (!client.dead) await client.call('close', {})
    } finally {
      await client.terminate()
    }
  }
}

/** What a database just made holds: nothing, at the current schema, with the smallest cache. */
const NEW_INDEX: OpenResult = {
  stats: {
    files: 0,
    chunks: 0,
    pending: 0,
    embedder: null,
    dimensions: null,
    cacheMb: CACHE_SIZING.minKb / 1024,
  },
  rebuilt: null,
  schemaVersion: MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0,
}

/** A store failure raised on this thread (setAside.ts) as the HearthError every other one is. */
export function asHearthError(err: unknown): unknown {
  if (!(err instanceof StoreFailure)) return err
  return new HearthError('unavailable', err.message, { reason: err.reason })
}

/**
 * Starts the store worker and opens the database (`open`). A worker that dies while opening (a
 * directory bad enough to abort the engine) gets its directory set aside and one more try
 * (openOrSetAside).
 */
async function openWorker(
  dataDir: string | null,
  flags: OpenFlags,
): Promise<{ client: WorkerClient<IndexApi>; result: OpenResult }> {
  const { db: opened, rebuilt } = await openOrSetAside(
    dataDir ? join(dataDir, 'pg') : null,
    async () => {
      const client = WorkerClient.start('index worker', 'index')
      try {
        return { client, result: await client.call('open', { dataDir, ...flags }) }
      } catch (err) {
        await client.terminate()
        throw err
      }
    },
    (err) => err instanceof WorkerDied,
  )
  if (rebuilt) opened.result.rebuilt = rebuilt
  return opened
}
