import type { HearthApi } from '@shared/contract'
import type { IDisposable, editor, typescript } from 'monaco-editor'
import { isBufferModel, modelUri } from '../monaco/monacoBuffers'
import type { Monaco } from '../monaco/monacoSetup'
import { loadConfig, type WorkerCompilerOptions } from './tsconfig'
import { BASE_COMPILER_OPTIONS, diagnosticsOptions } from './tsDefaults'

/** What TypeScript's worker reads (`.d.ts`, `.d.mts` end in these too). */
export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']

/** Beyond this many changed files at once (a branch switch), the project is read again whole. */
const RELOAD_OVER = 300
/** Changes are gathered this long, so a burst costs one update of the worker. */
const CHANGE_DELAY_MS = 250

type Defaults = Monaco['typescript']['typescriptDefaults']

interface Lib {
  text: string
  handles: IDisposable[]
}

export function isSourcePath(path: string): boolean {
  const p = path.toLowerCase()
  return SOURCE_EXTENSIONS.some((e) => p.endsWith(e))
}

/**
 * The workspace as one TypeScript project in Monaco's TS/JS workers: the tsconfig's options and
 * every source file (bounded, see the core's `language.sources`) as extra libs under the same
 * URIs as the editor's models. An open tab's model shadows its file's lib in the worker (same
 * name), so the worker always sees the buffer being typed in, and the files on disk for the rest.
 * Started on the first TS/JS file shown: nothing is read for other workspaces.
 */
export class TsProject implements IDisposable {
  private readonly libs = new Map<string, Lib>()
  private readonly defaults: Defaults[]
  private readonly subs: IDisposable[] = []
  private started: Promise<void> | undefined
  private pending = new Set<string>()
  private timer: ReturnType<typeof setTimeout> | undefined
  private disposed = false
  /** The defaults before this project, put back when it closes (another folder may not be TS). */
  private readonly initial: { compiler: WorkerCompilerOptions; diagnostics: object }[]
  /** The result of the last load, for the status of the feature (and tests). */
  summary: { files: number; truncated: boolean; tooLarge: number; config: string | undefined } | undefined

  constructor(
    private readonly monaco: Monaco,
    private readonly api: HearthApi,
  ) {
    this.defaults = [monaco.typescript.typescriptDefaults, monaco.typescript.javascriptDefaults]
    this.initial = this.defaults.map((d) => ({
      compiler: d.getCompilerOptions(),
      diagnostics: d.getDiagnosticsOptions(),
    }))
  }

  /** Loads the project once (later calls share the first). */
  start(): Promise<void> {
    this.started ??= this.load().catch((err: unknown) => {
      // Hover and go-to-definition still work within each open file.
      console.warn('TypeScript project not loaded:', err)
    })
    return this.started
  }

  private key(path: string): string {
    // Unencoded: TypeScript builds names like `…/node_modules/@types/x/index.d.ts` itself.
    return modelUri(this.monaco, path).toString(true)
  }

  private async load(): Promise<void> {
    const read = (path: string): Promise<string | undefined> =>
      this.api.call('file.read', { path }).then(
        (c) => c.text,
        () => undefined,
      )
    const config = await loadConfig(read, (p) => this.key(p))
    const sources = await this.api.call('language.sources', {
      extensions: SOURCE_EXTENSIONS,
      includeTypes: true,
    })
    if (this.disposed) return
    this.subs.push(
      this.monaco.editor.onDidCreateModel((m) => this.keepDistinct(m)),
      this.monaco.editor.onWillDisposeModel((m) => this.modelClosing(m)),
    )
    const offs = [
      this.api.on('file.changed', (c) => this.changed(c.path)),
      // Hearth's own renames, moves and deletes (the watcher reports them later, or not at all).
      this.api.on('workspace.moved', (m) => {
        for (const path of this.under(m.from)) this.changed(path)
        if (m.kind === 'file') this.changed(m.to)
        else for (const path of this.under(m.from)) this.changed(m.to + path.slice(m.from.length))
      }),
      this.api.on('workspace.deleted', (d) => {
        for (const path of this.under(d.path)) this.changed(path)
      }),
    ]
    this.subs.push({ dispose: () => offs.forEach((off) => off()) })
    for (const f of sources.files) this.setLib(f.path, f.text)
    this.applyOptions(config?.options ?? {})
    this.summary = {
      files: sources.files.length,
      truncated: sources.truncated,
      tooLarge: sources.tooLarge,
      config: config?.path,
    }
  }

  private applyOptions(fromConfig: WorkerCompilerOptions): void {
    const options: WorkerCompilerOptions = { ...BASE_COMPILER_OPTIONS, ...fromConfig }
    for (const k of ['allowJs', 'allowNonTsExtensions', 'noEmit'] as const)
      options[k] = BASE_COMPILER_OPTIONS[k]
    if (fromConfig.moduleResolution === undefined) {
      // TypeScript's rule for the module kinds that need their own resolution.
      const m = options.module as number
      if (m === 100 || m === 101 || m === 102 || m === 199) options.moduleResolution = 99
      else if (m === 1) options.moduleResolution = 2
    }
    const checkJs = options.checkJs === true
    this.defaults.forEach((d, i) => {
      const javascript = i === 1
      // Each change restarts that worker: only what differs is set.
      if (!sameJson(d.getCompilerOptions(), options))
        d.setCompilerOptions(options as typescript.CompilerOptions)
      const diagnostics = diagnosticsOptions(javascript, checkJs)
      if (!sameJson(d.getDiagnosticsOptions(), diagnostics)) d.setDiagnosticsOptions(diagnostics)
    })
  }

  private setLib(path: string, text: string): void {
    const prev = this.libs.get(path)
    if (prev?.text === text) return
    const key = this.key(path)
    // A newer add supersedes the older one (its disposer then does nothing).
    this.libs.set(path, { text, handles: this.defaults.map((d) => d.addExtraLib(text, key)) })
  }

  private removeLib(path: string): void {
    const lib = this.libs.get(path)
    if (!lib) return
    for (const h of lib.handles) h.dispose()
    this.libs.delete(path)
  }

  /** The loaded files at `path` or inside it. */
  private under(path: string): string[] {
    return [...this.libs.keys()].filter((p) => p === path || p.startsWith(path + '/'))
  }

  private changed(path: string): void {
    if (!isSourcePath(path)) return
    this.pending.add(path)
    this.timer ??= setTimeout(() => void this.flush(), CHANGE_DELAY_MS)
  }

  private async flush(): Promise<void> {
    this.timer = undefined
    const paths = [...this.pending]
    this.pending = new Set()
    if (this.disposed) return
    if (paths.length > RELOAD_OVER) {
      await this.reloadAll()
      return
    }
    await Promise.all(paths.map((p) => this.refresh(p)))
  }

  /** Reads one file again: its lib follows the disk, and so does a peek's model of it. */
  private async refresh(path: string): Promise<void> {
    let text: string | undefined
    try {
      text = (await this.api.call('file.read', { path })).text
    } catch {
      text = undefined // deleted, or no longer readable
    }
    if (this.disposed) return
    const model = this.monaco.editor.getModel(modelUri(this.monaco, path))
    if (text === undefined) {
      this.removeLib(path)
      if (model && !isBufferModel(model)) model.dispose()
      return
    }
    this.setLib(path, text)
    if (model && !isBufferModel(model) && model.getValue() !== text) model.setValue(text)
  }

  private async reloadAll(): Promise<void> {
    const sources = await this.api.call('language.sources', {
      extensions: SOURCE_EXTENSIONS,
      includeTypes: true,
    })
    if (this.disposed) return
    const seen = new Set<string>()
    for (const f of sources.files) {
      seen.add(f.path)
      this.setLib(f.path, f.text)
    }
    for (const path of [...this.libs.keys()]) if (!seen.has(path)) this.removeLib(path)
  }

  /** A tab closes: its file's lib takes over again, read from disk (the buffer may have been saved). */
  private modelClosing(model: editor.ITextModel): void {
    if (model.uri.scheme !== 'hearth') return
    const path = model.uri.path.slice(1)
    if (!this.libs.has(path)) return
    this.keepDistinct(model)
    if (isBufferModel(model)) void this.refresh(path)
  }

  /**
   * The worker tells a file's versions apart by number only, and a model's and its lib's count
   * separately: when they meet on the same number with different texts, the worker would keep
   * the old text. The lib is moved on (two adds: +2) until they differ.
   */
  private keepDistinct(model: editor.ITextModel): void {
    if (model.uri.scheme !== 'hearth') return
    const key = this.key(model.uri.path.slice(1))
    const version = model.getVersionId()
    const text = model.getValue()
    const mine = this.libs.get(model.uri.path.slice(1))
    this.defaults.forEach((d, i) => {
      for (let n = 0; n < 3; n++) {
        const lib = d.getExtraLibs()[key]
        if (!lib || lib.version !== version || lib.content === text) break
        d.addExtraLib(lib.content + ' ', key)
        const handle = d.addExtraLib(lib.content, key)
        if (mine) mine.handles[i] = handle
      }
    })
  }

  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    for (const s of this.subs) s.dispose()
    for (const path of [...this.libs.keys()]) this.removeLib(path)
    if (this.summary)
      this.defaults.forEach((d, i) => {
        const initial = this.initial[i]
        if (!initial) return
        if (!sameJson(d.getCompilerOptions(), initial.compiler))
          d.setCompilerOptions(initial.compiler as typescript.CompilerOptions)
        if (!sameJson(d.getDiagnosticsOptions(), initial.diagnostics))
          d.setDiagnosticsOptions(initial.diagnostics)
      })
  }
}

/** Equal as JSON with keys in any order (options objects are plain data). */
export function sameJson(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([x], [y]) => (x < y ? -1 : 1))
            .map(([k, x]) => [k, norm(x)]),
        )
      : Array.isArray(v)
        ? v.map(norm)
        : v
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b))
}
