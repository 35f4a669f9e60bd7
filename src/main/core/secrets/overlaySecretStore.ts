import type { SecretStore } from './secretStore'

/**
 * Secrets held in memory in front of another store: what a command line or the environment
 * hands in for one run (HEARTH_FIM_TOKEN) is read first and never written to the store below.
 * Writes and deletes go to the store below and drop the in-memory entry of that key.
 */
export class OverlaySecretStore implements SecretStore {
  private readonly front: Map<string, string>

  constructor(
    private readonly below: SecretStore,
    entries: Iterable<readonly [string, string]>,
  ) {
    this.front = new Map(entries)
  }

  get kind(): SecretStore['kind'] {
    return this.below.kind
  }

  get warning(): string | undefined {
    return this.below.warning
  }

  get(key: string): Promise<string | undefined> {
    const v = this.front.get(key)
    return v !== undefined ? Promise.resolve(v) : this.below.get(key)
  }

  async set(key: string, value: string): Promise<void> {
    this.front.delete(key)
    await this.below.set(key, value)
  }

  async delete(key: string): Promise<boolean> {
    const had = this.front.delete(key)
    return (await this.below.delete(key)) || had
  }

  async keys(): Promise<string[]> {
    return [...new Set([...this.front.keys(), ...(await this.below.keys())])]
  }
}
