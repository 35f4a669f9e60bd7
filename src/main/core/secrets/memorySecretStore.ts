import type { SecretStore } from './secretStore'

/** Secrets for this run only: tests, the headless server, and the fallback when no OS encryption exists. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory'
  private readonly values = new Map<string, string>()

  constructor(
    readonly warning: string | undefined = undefined,
    initial: Iterable<readonly [string, string]> = [],
  ) {
    for (const [k, v] of initial) this.values.set(k, v)
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key))
  }

  set(key: string, value: string): Promise<void> {
    this.values.set(key, value)
    return Promise.resolve()
  }

  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.values.delete(key))
  }

  keys(): Promise<string[]> {
    return Promise.resolve([...this.values.keys()])
  }
}
