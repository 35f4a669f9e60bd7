import { HearthError } from '@shared/errors'
import type { Disposable } from '../base/lifecycle'
import type { HttpClient } from '../net/httpClient'
import { CATALOGUE, type CatalogueModel } from './catalogue'
import { downloadHubFile, type DownloadProgress, type DownloadResult } from './download'
import { listInstalled, removeInstalled, type InstalledModel } from './installedModels'
import { hubEndpoint, hubFileUrl, parseModelRequest, type ModelRequest } from './modelSpec'
import { ollamaPull } from './ollamaPull'
import { recommend, type MachineFacts, type Recommendation } from './recommend'

export interface ModelManagerOptions {
  http: HttpClient
  /** Where GGUF files live (the data dir's `models/`, which the embedded engine reads). */
  modelsDir: string
  /** The active profile forbids leaving this machine. */
  offline: () => boolean
  /** The Hugging Face endpoint setting (a mirror); `HF_ENDPOINT` and the hub otherwise. */
  hfEndpoint?: () => string | undefined
  /** A saved Hugging Face token (secret store); `HF_TOKEN` otherwise. */
  hfToken?: () => Promise<string | undefined>
  env?: NodeJS.ProcessEnv
  /** Tests: free bytes on the models disk. */
  freeBytes?: (dir: string) => Promise<number>
}

export interface PullResult extends DownloadResult {
  request: ModelRequest
}

interface Pull {
  promise?: Promise<PullResult>
  abort: AbortController
  listeners: Set<(p: DownloadProgress) => void>
  last?: DownloadProgress
}

const offlineRefusal = (modelsDir: string): HearthError =>
  new HearthError(
    'forbidden',
    `downloads are off in the offline profile: switch to another profile to download, or copy a .gguf file into ${modelsDir}`,
    { reason: 'policy' },
  )

/**
 * Finds, downloads and removes models: the catalogue and its recommendation for this machine,
 * verified resumable downloads from Hugging Face into the models folder, and `ollama pull`
 * through a running Ollama. A second pull of a file already downloading joins the first.
 */
export class ModelManager implements Disposable {
  private readonly pulls = new Map<string, Pull>()

  constructor(private readonly o: ModelManagerOptions) {}

  get modelsDir(): string {
    return this.o.modelsDir
  }

  catalogue(): readonly CatalogueModel[] {
    return CATALOGUE
  }

  recommend(facts: MachineFacts): Recommendation[] {
    return recommend(facts)
  }

  installed(): Promise<InstalledModel[]> {
    return listInstalled(this.o.modelsDir)
  }

  /** Files being downloaded now, with their latest progress. */
  active(): { fileName: string; progress?: DownloadProgress }[] {
    return [...this.pulls].map(([fileName, p]) => (p.last ? { fileName, progress: p.last } : { fileName }))
  }

  async remove(nameOrId: string): Promise<string[]> {
    const req = tryParse(nameOrId)
    if (req && this.pulls.has(req.fileName))
      throw new HearthError('busy', `${nameOrId} is downloading; cancel it first`)
    return removeInstalled(this.o.modelsDir, nameOrId)
  }

  /** Downloads a catalogue model or `hf:owner/repo/file.gguf[@rev]`; resolves with the verified file. */
  pull(spec: string, onProgress?: (p: DownloadProgress) => void): Promise<PullResult> {
    let request: ModelRequest
    try {
      request = parseModelRequest(spec)
      if (this.o.offline()) throw offlineRefusal(this.o.modelsDir)
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
    const running = this.pulls.get(request.fileName)
    if (running?.promise) {
      if (onProgress) running.listeners.add(onProgress)
      return running.promise
    }
    const pull: Pull = { abort: new AbortController(), listeners: new Set() }
    if (onProgress) pull.listeners.add(onProgress)
    this.pulls.set(request.fileName, pull)
    const promise = this.download(request, pull).finally(() => this.pulls.delete(request.fileName))
    pull.promise = promise
    return promise
  }

  /** Stops a download; its partial file stays, so the next pull resumes. */
  cancel(spec: string): boolean {
    const req = tryParse(spec)
    const pull = req ? this.pulls.get(req.fileName) : this.pulls.get(spec)
    pull?.abort.abort()
    return pull !== undefined
  }

  /** `ollama pull` on a running Ollama at `url`, with its progress. */
  async pullOllama(
    url: string,
    model: string,
    onProgress?: (p: DownloadProgress & { status: string }) => void,
    token?: string,
    signal?: AbortSignal,
  ): Promise<void> {
    // Ollama itself would fetch the model from its registry on the internet.
    if (this.o.offline())
      throw new HearthError(
        'forbidden',
        'pulling a model makes Ollama download it from its registry, which the offline profile does not allow; switch profile to pull',
        { reason: 'policy' },
      )
    await ollamaPull({ http: this.o.http, url, model, onProgress, token, signal })
  }

  dispose(): void {
    for (const p of this.pulls.values()) p.abort.abort()
  }

  private async download(request: ModelRequest, pull: Pull): Promise<PullResult> {
    const env = this.o.env ?? process.env
    const endpoint = hubEndpoint(this.o.hfEndpoint?.(), env)
    const url = hubFileUrl(endpoint, request.gguf)
    const token = (await this.o.hfToken?.()) ?? (env.HF_TOKEN?.trim() || undefined)
    const result = await downloadHubFile({
      http: this.o.http,
      url,
      dir: this.o.modelsDir,
      fileName: request.fileName,
      ...(request.gguf.sha256 ? { sha256: request.gguf.sha256 } : {}),
      ...(token ? { token } : {}),
      signal: pull.abort.signal,
      label:
        endpoint === 'https://huggingface.co' ? 'Hugging Face' : `the Hugging Face mirror at ${url.origin}`,
      onProgress: (p) => {
        pull.last = p
        for (const l of pull.listeners) l(p)
      },
      ...(this.o.freeBytes ? { freeBytes: this.o.freeBytes } : {}),
    })
    return { ...result, request }
  }
}

function tryParse(spec: string): ModelRequest | undefined {
  try {
    return parseModelRequest(spec)
  } catch {
    return undefined
  }
}
