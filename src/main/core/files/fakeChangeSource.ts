import type { ChangeSource, FileChangeEvent, WatcherState } from './watchTypes'

/**
 * An honest in-memory ChangeSource (after Zed's FakeFs events): a test writes files itself, then
 * says what changed with `emit`, exactly when it wants — no watcher timing. `pause()` holds
 * batches back and `flush()` delivers them in order, to test what happens between a change on
 * disk and its event.
 */
export class FakeChangeSource implements ChangeSource {
  private readonly changeListeners = new Set<(batch: FileChangeEvent[]) => void>()
  private readonly stateListeners = new Set<(state: WatcherState) => void>()
  private held: FileChangeEvent[][] | undefined
  state: WatcherState = { status: 'ready' }

  onChanges(listener: (batch: FileChangeEvent[]) => void): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  onState(listener: (state: WatcherState) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  /** Delivers one batch now, or holds it while paused. */
  emit(batch: FileChangeEvent[]): void {
    if (this.held) this.held.push(batch)
    else for (const l of [...this.changeListeners]) l(batch)
  }

  pause(): void {
    this.held ??= []
  }

  /** Delivers every held batch in order and stops holding. */
  flush(): void {
    const held = this.held ?? []
    this.held = undefined
    for (const b of held) this.emit(b)
  }

  setState(state: WatcherState): void {
    this.state = state
    for (const l of [...this.stateListeners]) l(state)
  }

  get listenerCount(): number {
    return this.changeListeners.size
  }
}
