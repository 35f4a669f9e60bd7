import { HearthError } from '@shared/errors'
import type { SecretStore } from './secretStore'

const PREFIX = 'endpoint-token:'
/** An env token is not bound to an origin: whoever set the environment chose the server too. */
const ANY_ORIGIN = '*'

interface StoredToken {
  token: string
  /** The origin the token was entered for; it is only ever sent there. */
  origin: string
}

export type TokenLookup =
  | { status: 'none' }
  | { status: 'ok'; token: string }
  /** Saved for another origin (the endpoint's URL changed since): not sent. */
  | { status: 'other_origin'; savedFor: string }

const originOf = (url: string | undefined): string => {
  if (!url) return ANY_ORIGIN
  try {
    return new URL(url).origin
  } catch {
    return ANY_ORIGIN
  }
}

/**
 * Bearer tokens per endpoint, on top of a SecretStore. A token is bound to the origin it was
 * entered for, so pointing an endpoint at another server never hands it the old server's token.
 * Keeps the known token values in memory (only) so logs and files can be checked for them.
 */
export class TokenStore {
  private readonly known = new Map<string, StoredToken>()
  private loaded: Promise<void> | undefined

  constructor(private readonly store: SecretStore) {}

  get persistent(): boolean {
    return this.store.kind !== 'memory'
  }

  get warning(): string | undefined {
    return this.store.warning
  }

  /** Loads what the store holds (once); every other method awaits it. */
  init(): Promise<void> {
    this.loaded ??= (async () => {
      for (const key of await this.store.keys()) {
        if (!key.startsWith(PREFIX)) continue
        const parsed = parse(await this.store.get(key))
        if (parsed) this.known.set(key.slice(PREFIX.length), parsed)
      }
    })()
    return this.loaded
  }

  async set(endpointId: string, url: string | undefined, token: string): Promise<void> {
    await this.init()
    const t = token.trim()
    if (t.length === 0) throw new HearthError('invalid_argument', 'the token is empty')
    if (t.length > 16_384)
      throw new HearthError('invalid_argument', 'the token is longer than 16384 characters')
    // A newline would let a token inject extra HTTP headers.
    if ([...t].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
      throw new HearthError('invalid_argument', 'the token contains control characters')
    const value: StoredToken = { token: t, origin: originOf(url) }
    await this.store.set(PREFIX + endpointId, JSON.stringify(value))
    this.known.set(endpointId, value)
  }

  async clear(endpointId: string): Promise<boolean> {
    await this.init()
    this.known.delete(endpointId)
    return this.store.delete(PREFIX + endpointId)
  }

  hasToken(endpointId: string): boolean {
    return this.known.has(endpointId)
  }

  /** The token to send to `url`, if one was saved for that origin. */
  lookup(endpointId: string, url: string | undefined): TokenLookup {
    const t = this.known.get(endpointId)
    if (!t) return { status: 'none' }
    if (t.origin !== ANY_ORIGIN && t.origin !== originOf(url))
      return { status: 'other_origin', savedFor: t.origin }
    return { status: 'ok', token: t.token }
  }

  /** Replaces every known token in `text` (logs, error messages). */
  redact(text: string): string {
    let out = text
    for (const { token } of this.known.values())
      if (token.length >= 4) out = out.split(token).join('‹redacted›')
    return out
  }

  /** Throws when `text` contains a known token (used before writing settings files). */
  assertNoSecret(text: string, where: string): void {
    for (const { token } of this.known.values()) {
      if (token.length >= 4 && text.includes(token)) {
        throw new HearthError(
          'forbidden',
          `refusing to write a token into ${where}; tokens belong in the secret store`,
        )
      }
    }
  }
}

function parse(raw: string | undefined): StoredToken | undefined {
  if (raw === undefined) return undefined
  try {
    const v = JSON.parse(raw) as Partial<StoredToken>
    if (typeof v.token === 'string' && typeof v.origin === 'string')
      return { token: v.token, origin: v.origin }
  } catch {
    // not ours
  }
  return undefined
}

/** A secret-store entry holding `token` for an endpoint, sent to whatever URL it has. */
export function tokenEntry(endpointId: string, token: string): [string, string] {
  return [
    PREFIX + endpointId,
    JSON.stringify({ token: token.trim(), origin: ANY_ORIGIN } satisfies StoredToken),
  ]
}

/** `HEARTH_TOKEN_<ENDPOINT_ID>` (upper case, '-' → '_') for hosts without a keyring (headless, CI). */
export function tokensFromEnv(env: NodeJS.ProcessEnv, endpointIds: readonly string[]): [string, string][] {
  const out: [string, string][] = []
  for (const id of endpointIds) {
    const v = env[`HEARTH_TOKEN_${id.toUpperCase().replace(/-/g, '_')}`]
    if (v) out.push(tokenEntry(id, v))
  }
  return out
}
