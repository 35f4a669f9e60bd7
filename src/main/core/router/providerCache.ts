import type { ChatProvider } from '../inference/chat/chatTypes'
import type { Embedder } from '../inference/embedder'
import type { CompletionProvider } from '../inference/fimTypes'
import type { ProviderFactory } from '../inference/providerFactory'
import type { Selection } from './selection'
import type { Disposable } from '../base/lifecycle'

/**
 * The router's providers: one per (endpoint, model), built by the one provider factory with the
 * endpoint's token, dropped when the endpoint's config or token changes.
 */
export class ProviderCache implements Disposable {
  private readonly completions = new Map<string, CompletionProvider>()
  private readonly embedders = new Map<string, Embedder>()
  private readonly chats = new Map<string, ChatProvider>()

  constructor(
    private readonly factory: ProviderFactory,
    private readonly token: (sel: Selection) => string | undefined,
  ) {}

  completion(sel: Selection): CompletionProvider {
    const key = keyOf(sel)
    let p = this.completions.get(key)
    if (!p) {
      p = this.factory.completion(this.spec(sel))
      this.completions.set(key, p)
    }
    return p
  }

  embedder(sel: Selection): Embedder {
    const key = keyOf(sel)
    let e = this.embedders.get(key)
    if (!e) {
      e = this.factory.embedder(this.spec(sel))
      this.embedders.set(key, e)
    }
    return e
  }

  chat(sel: Selection): ChatProvider {
    const key = keyOf(sel)
    let c = this.chats.get(key)
    if (!c) {
      c = this.factory.chat(this.spec(sel))
      this.chats.set(key, c)
    }
    return c
  }

  drop(endpointId: string): void {
    const mine = (key: string): boolean => key.startsWith(`${endpointId}\u0000`)
    for (const [key, p] of this.completions) {
      if (!mine(key)) continue
      this.completions.delete(key)
      void p.dispose().catch(() => undefined)
    }
    for (const [key, c] of this.chats) {
      if (!mine(key)) continue
      this.chats.delete(key)
      void c.dispose().catch(() => undefined)
    }
    // Embedders hold no resources (sockets belong to the shared HttpClient).
    for (const key of [...this.embedders.keys()]) if (mine(key)) this.embedders.delete(key)
  }

  async dispose(): Promise<void> {
    const all = [...this.completions.values(), ...this.chats.values()]
    this.completions.clear()
    this.chats.clear()
    this.embedders.clear()
    await Promise.all(all.map((p) => p.dispose().catch(() => undefined)))
  }

  private spec(sel: Selection): Parameters<ProviderFactory['completion']>[0] {
    return { endpointId: sel.endpointId, endpoint: sel.endpoint, model: sel.model, token: this.token(sel) }
  }
}

const keyOf = (sel: Selection): string => `${sel.endpointId}\u0000${sel.model}`
