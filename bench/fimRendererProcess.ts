import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type { CompletionRequest } from '../src/shared/contract/completion'

/**
 * An instant both processes agree on: epoch milliseconds with µs (each process's
 * performance.now() counts from its own start).
 */
export const epochNow = (): number => performance.timeOrigin + performance.now()

/** What bench/fim.ts asks of its renderer process (bench/fimRenderer.ts). */
export type RendererRequest =
  | { id: number; op: 'call'; args: CompletionRequest }
  | { id: number; op: 'series'; calls: CompletionRequest[] }
  | { id: number; op: 'begin'; key: number; args: CompletionRequest }
  | { id: number; op: 'abort'; key: number }
  | { id: number; op: 'fire'; args: CompletionRequest }
  | { id: number; op: 'close' }

export interface RendererReply {
  id: number
  error?: string
  /** call: the round trip as the client saw it, and the answer. */
  ms?: number | number[]
  source?: string
  text?: string
  /** series: each answer's source. */
  sources?: string[]
  /** call: when the client sent it; abort/fire: when the client acted (epoch ms with µs). */
  at?: number
}

type Body<R> = R extends { id: number } ? Omit<R, 'id'> : never

/** Forks the renderer stand-in against a running server and talks to it over IPC. */
export class RendererProcess {
  private nextId = 1
  private readonly waiting = new Map<number, (r: RendererReply) => void>()
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (r: RendererReply) => {
      this.waiting.get(r.id)?.(r)
      this.waiting.delete(r.id)
    })
    // A renderer that dies fails what it owed, so the bench ends with an error instead of hanging.
    child.on('exit', (code) => {
      for (const [id, settle] of this.waiting) settle({ id, error: `exited (${String(code)})` })
      this.waiting.clear()
    })
  }

  static async start(url: string): Promise<RendererProcess> {
    const child = fork(join(import.meta.dirname, 'fimRenderer.ts'), [url], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: join(import.meta.dirname, '..', 'tsconfig.node.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve())
      child.once('exit', (code) =>
        reject(new Error(`renderer process exited (${String(code)}) before it connected`)),
      )
    })
    const p = new RendererProcess(child)
    await ready
    return p
  }

  request(body: Body<RendererRequest>): Promise<RendererReply> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (r) => (r.error ? reject(new Error(`renderer: ${r.error}`)) : resolve(r)))
      this.child.send({ ...body, id })
    })
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r))
    await this.request({ op: 'close' })
    await exited
  }
}
