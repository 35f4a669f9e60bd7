/**
 * One lifecycle vocabulary for the core (after VS Code's base/common/lifecycle): anything that
 * holds a resource is a Disposable; an owner keeps what it made in a DisposableStore and disposes
 * it in reverse order of creation, consumers before what they consume.
 */
export interface Disposable {
  dispose(): void | Promise<void>
}

/** A cleanup function as a Disposable; runs once. */
export function toDisposable(fn: () => void | Promise<void>): Disposable {
  let done = false
  return {
    dispose: () => {
      if (done) return
      done = true
      return fn()
    },
  }
}

/**
 * Disposables owned together. `dispose()` runs each once, newest first, waits for async ones,
 * and finishes every one even if some throw (shutdown must reach everything; a failing disposer
 * has nobody left to tell). Adding to a disposed store disposes the newcomer at once, so nothing
 * leaks past shutdown.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = []
  private disposedFlag = false

  get isDisposed(): boolean {
    return this.disposedFlag
  }

  add<T extends Disposable>(d: T): T {
    if (this.disposedFlag)
      void Promise.resolve()
        .then(() => d.dispose())
        .catch(() => undefined)
    else this.items.push(d)
    return d
  }

  /** Adds a cleanup function. */
  defer(fn: () => void | Promise<void>): void {
    this.add(toDisposable(fn))
  }

  async dispose(): Promise<void> {
    this.disposedFlag = true
    for (const d of this.items.splice(0).reverse()) {
      try {
        await d.dispose()
      } catch {
        // Disposal must finish for every owned thing even if one fails.
      }
    }
  }
}
