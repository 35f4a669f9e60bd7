import type { FimTiming } from './fimTypes'

/** Measures one generation: time to first text, total, chunks. Cheap: two performance.now() reads per chunk at most. */
export class TimingMeter {
  private readonly start = performance.now()
  private first: number | null = null
  private chunks = 0

  text(text: string): void {
    if (text.length === 0) return
    if (this.first === null) this.first = performance.now()
    this.chunks++
  }

  finish(serverTokens?: number, promptTokens?: number): FimTiming {
    const t: FimTiming = {
      ttftMs: this.first === null ? null : this.first - this.start,
      totalMs: performance.now() - this.start,
      tokens: serverTokens ?? this.chunks,
    }
    if (promptTokens !== undefined) t.promptTokens = promptTokens
    return t
  }
}
