/**
 * Push-to-pull bridge: a callback API (node-llama-cpp's onTextChunk) feeding a `for await`.
 * Unbounded on purpose — a completion is at most a few hundred chunks.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = []
  private waiter: (() => void) | undefined
  private ended = false
  private error: { err: unknown } | undefined

  push(item: T): void {
    if (this.ended) return
    this.items.push(item)
    this.wake()
  }

  end(): void {
    this.ended = true
    this.wake()
  }

  fail(err: unknown): void {
    if (this.ended) return
    this.error = { err }
    this.ended = true
    this.wake()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const item = this.items.shift()
      if (item !== undefined) {
        yield item
        continue
      }
      if (this.ended) {
        if (this.error) throw this.error.err
        return
      }
      await new Promise<void>((resolve) => (this.waiter = resolve))
    }
  }

  private wake(): void {
    const w = this.waiter
    this.waiter = undefined
    w?.()
  }
}
