import type { CompletionCounts, CompletionFeedback, CompletionStatus } from '@shared/contract/completion'
import type { EventName, PayloadOf } from '@shared/contract'
import type { CompletionRoute } from '../inference/completionRoute'
import type { ProviderState } from '../inference/fimTypes'
import type { Disposable } from '../base/lifecycle'

/** The slice of the event bus the completion service uses. */
export interface CompletionEventSink {
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void
}

/**
 * The status bar shows "generating" only for a generation still running after this long. Most
 * completions take less: showing it would flicker the status bar twice per keystroke pause, and
 * the two status events went out (and were parsed and validated by the renderer) on the way to
 * the answer itself.
 */
const SHOW_GENERATING_AFTER_MS = 300

const zeroCounts = (): CompletionCounts => ({
  requests: 0,
  cacheHits: 0,
  shown: 0,
  accepted: 0,
  acceptedWords: 0,
  dismissed: 0,
  kept: 0,
})

/** The completion service's counters and its status events: where requests go, and how they fare. */
export class CompletionStatusReporter implements Disposable {
  readonly counts = zeroCounts()
  lastMs: number | null = null
  private lastState: ProviderState = { phase: 'idle' }
  private showGenerating: NodeJS.Timeout | undefined
  private disposed = false

  constructor(
    private readonly route: () => CompletionRoute,
    private readonly events: CompletionEventSink | undefined,
  ) {}

  feedback(f: CompletionFeedback): CompletionCounts {
    switch (f.kind) {
      case 'shown':
        this.counts.shown++
        break
      case 'accepted':
        this.counts.accepted++
        break
      case 'accepted-word':
        this.counts.acceptedWords++
        break
      case 'dismissed':
        this.counts.dismissed++
        break
      case 'kept':
        this.counts.kept++
        break
    }
    this.emit()
    return { ...this.counts }
  }

  status(): CompletionStatus {
    const r = this.route()
    const st = r.state()
    const state: CompletionStatus['state'] = this.disposed ? 'disabled' : st.phase
    return {
      provider: r.kind,
      model: r.model,
      endpoint: r.endpoint,
      state,
      ...(st.error ? { message: st.error.message } : {}),
      ...(st.error?.reason ? { reason: st.error.reason } : {}),
      lastMs: this.lastMs,
      counts: { ...this.counts },
    }
  }

  /** The route's state may have changed (a stream started or ended): tell the status bar if so. */
  noteState(): void {
    const st = this.route().state()
    if (st.phase === 'generating' && !st.error) {
      this.showGenerating ??= setTimeout(() => {
        this.showGenerating = undefined
        this.noteStateNow()
      }, SHOW_GENERATING_AFTER_MS)
      this.showGenerating.unref()
      return
    }
    clearTimeout(this.showGenerating)
    this.showGenerating = undefined
    this.noteStateNow()
  }

  private noteStateNow(): void {
    const st = this.route().state()
    if (st.phase !== this.lastState.phase || st.error?.message !== this.lastState.error?.message) {
      this.lastState = st
      this.emit()
    }
  }

  emit(): void {
    try {
      this.events?.emit('completion.statusChanged', this.status())
    } catch {
      // A status event must never fail a completion.
    }
  }

  dispose(): void {
    this.disposed = true
    clearTimeout(this.showGenerating)
  }
}
