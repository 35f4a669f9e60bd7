import { createHash } from 'node:crypto'
import { appendFile, chmod, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { atomicWrite } from '../files/atomicWrite'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../files/dataDir'

export interface CompletionCacheOptions {
  /** Memory entries (LRU). Default 500. */
  maxEntries?: number
  /** Memory time-to-live. Default 5 min (the seed's). */
  ttlMs?: number
  /**
   * JSON-lines file for the persistent layer (in the data directory); absent = memory only.
   * Holds key hashes and completion text — never the prompt.
   */
  file?: string
  /** Persistent entries kept. Default 5000. */
  maxPersisted?: number
  /** Persistent time-to-live. Default 24 h: a restart should not forget the morning's completions. */
  persistTtlMs?: number
  now?: () => number
}

interface Entry {
  text: string
  at: number
}

interface DiskRecord {
  k: string
  t: number
  c: string
}

/**
 * Two layers, both answered synchronously (the hit path must never wait): a memory LRU with the
 * seed's 5-minute TTL, and a persistent layer — an append-only JSON-lines file, loaded once into
 * a Map at start, compacted when it doubles. No database: the file is cheap to write, and a
 * torn last line (killed process) is simply skipped on load.
 *
 * One canonical key: hash(model, template family, pruned prefix, suffix).
 */
export class CompletionCache {
  private readonly memory = new Map<string, Entry>()
  private readonly disk = new Map<string, Entry>()
  private readonly maxEntries: number
  private readonly ttlMs: number
  private readonly maxPersisted: number
  private readonly persistTtlMs: number
  private readonly now: () => number
  private pending: DiskRecord[] = []
  private flushing: Promise<void> | undefined
  private flushTimer: NodeJS.Timeout | undefined
  private appended = 0
  /** The folder and file modes are checked once per cache, on its first write. */
  private modesChecked = false
  private loaded: Promise<void> | undefined
  hits = 0
  misses = 0

  constructor(private readonly opts: CompletionCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 500
    this.ttlMs = opts.ttlMs ?? 5 * 60_000
    this.maxPersisted = opts.maxPersisted ?? 5000
    this.persistTtlMs = opts.persistTtlMs ?? 24 * 60 * 60_000
    this.now = opts.now ?? Date.now
  }

  static key(model: string, family: string, prefix: string, suffix: string): string {
    return createHash('sha256')
      .update(`${model}\u0000${family}\u0000${prefix}\u0000${suffix}`)
      .digest('base64url')
      .slice(0, 32)
  }

  /** Loads the persistent layer (once). Lookups before it finishes just miss the disk layer. */
  load(): Promise<void> {
    this.loaded ??= this.readDisk()
    return this.loaded
  }

  get(key: string): string | undefined {
    const now = this.now()
    const m = this.memory.get(key)
    if (m && now - m.at <= this.ttlMs) {
      // Refresh LRU position.
      this.memory.delete(key)
      this.memory.set(key, m)
      this.hits++
      return m.text
    }
    if (m) this.memory.delete(key)
    const d = this.disk.get(key)
    if (d && now - d.at <= this.persistTtlMs) {
      this.setMemory(key, { text: d.text, at: now })
      this.hits++
      return d.text
    }
    this.misses++
    return undefined
  }

  set(key: string, text: string): void {
    const at = this.now()
    this.setMemory(key, { text, at })
    if (!this.opts.file) return
    this.disk.set(key, { text, at })
    this.pending.push({ k: key, t: at, c: text })
    this.scheduleFlush()
  }

  get size(): number {
    return this.memory.size
  }

  clear(): void {
    this.memory.clear()
  }

  /** Writes what is pending; call on dispose. */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    while (this.flushing) await this.flushing
    if (this.pending.length === 0 || !this.opts.file) return
    const file = this.opts.file
    const batch = this.pending
    this.pending = []
    this.flushing = (async () => {
      // Completions are the user's code: data dir 0700, file 0600 (a file from an older version
      // that let others read it is tightened).
      if (!this.modesChecked) await ensurePrivateDir(dirname(file))
      await appendFile(file, batch.map((r) => JSON.stringify(r)).join('\n') + '\n', {
        encoding: 'utf8',
        mode: PRIVATE_FILE_MODE,
      })
      if (!this.modesChecked) await chmod(file, PRIVATE_FILE_MODE).catch(() => undefined)
      this.modesChecked = true
      this.appended += batch.length
      if (this.appended > this.maxPersisted) await this.compact(file)
    })()
      .catch(() => {
        // The persistent layer is an optimisation: a full disk must not break completions.
      })
      .finally(() => {
        this.flushing = undefined
        if (this.pending.length > 0) this.scheduleFlush()
      })
    await this.flushing
  }

  private setMemory(key: string, e: Entry): void {
    this.memory.delete(key)
    this.memory.set(key, e)
    while (this.memory.size > this.maxEntries) {
      const oldest = this.memory.keys().next().value
      if (oldest === undefined) break
      this.memory.delete(oldest)
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return
    // Batches the writes of a burst of completions into one append, off the answer's path.
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined
      void this.flush()
    }, 250)
    this.flushTimer.unref()
  }

  private async readDisk(): Promise<void> {
    if (!this.opts.file) return
    let text: string
    try {
      text = await readFile(this.opts.file, 'utf8')
    } catch {
      return
    }
    const now = this.now()
    let lines = 0
    for (const line of text.split('\n')) {
      if (!line) continue
      lines++
      try {
        const r = JSON.parse(line) as Partial<DiskRecord>
        if (typeof r.k !== 'string' || typeof r.t !== 'number' || typeof r.c !== 'string') continue
        if (now - r.t > this.persistTtlMs) continue
        this.disk.delete(r.k)
        this.disk.set(r.k, { text: r.c, at: r.t })
      } catch {
        // A torn line from a killed process: skip it.
      }
    }
    while (this.disk.size > this.maxPersisted) {
      const oldest = this.disk.keys().next().value
      if (oldest === undefined) break
      this.disk.delete(oldest)
    }
    this.appended = lines
  }

  private async compact(file: string): Promise<void> {
    const now = this.now()
    while (this.disk.size > this.maxPersisted) {
      const oldest = this.disk.keys().next().value
      if (oldest === undefined) break
      this.disk.delete(oldest)
    }
    const records: string[] = []
    for (const [k, e] of this.disk)
      if (now - e.at <= this.persistTtlMs) records.push(JSON.stringify({ k, t: e.at, c: e.text }))
    // atomicWrite: a failed compaction (full disk) leaves the old file and no temp file.
    await atomicWrite(file, Buffer.from(records.join('\n') + (records.length ? '\n' : ''), 'utf8'), {
      mode: PRIVATE_FILE_MODE,
    })
    this.appended = records.length
  }
}
