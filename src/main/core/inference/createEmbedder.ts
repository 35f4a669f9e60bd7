import { HearthError } from '@shared/errors'
import type { Embedder } from './embedder'
import type { HttpEmbedderKind } from './httpEmbedders'
import { HttpClient, processConnectionPolicy } from '../net/httpClient'
import { join } from 'node:path'
import { defaultDataDir } from '../files/dataDir'
import { embeddedModelPath } from '../files/modelPath'
import { CodeHashEmbedder } from './codeHashEmbedder'
import { GgufEmbedder } from './ggufEmbedder'
import { defaultProviderFactory } from './providerFactory'

/** Names `--embedder` accepts. 'none' indexes for full-text search only. */
export const EMBEDDER_NAMES = ['hash', 'none', 'ollama', 'triton', 'openai'] as const
export type EmbedderName = (typeof EMBEDDER_NAMES)[number]

export const DEFAULT_EMBEDDER: EmbedderName = 'hash'

const DEFAULTS: Record<HttpEmbedderKind, { url: string; model: string }> = {
  ollama: { url: 'http://127.0.0.1:11434', model: 'nomic-embed-text' },
  triton: { url: 'http://127.0.0.1:8000', model: 'embedder' },
  openai: { url: 'http://127.0.0.1:8080/v1', model: 'text-embedding-3-small' },
}

/**
 * The embedder a name on the command line (`--embedder`) stands for, built by the one provider
 * factory. Remote ones read their endpoint from the environment (HEARTH_EMBED_URL,
 * HEARTH_EMBED_MODEL, HEARTH_EMBED_TOKEN); without a name the settings' embedding route applies.
 * A remote one whose URL the connection policy refuses (the offline profile and a host that is
 * not loopback) throws HearthError('forbidden') here: the user named it, so the command stops
 * with the reason instead of indexing on with every batch refused.
 */
export function createEmbedder(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  http: HttpClient = new HttpClient(),
): Embedder | null {
  if (name === 'ollama' || name === 'triton' || name === 'openai') {
    assertAllowed(name, env.HEARTH_EMBED_URL, DEFAULTS[name].url, http)
  }
  return buildEmbedder(name, env, http)
}

function buildEmbedder(name: string, env: NodeJS.ProcessEnv, http: HttpClient): Embedder | null {
  if (name === 'none') return null
  if (name === 'hash' || name === 'default') return new CodeHashEmbedder()
  if (name === 'ollama' || name === 'triton' || name === 'openai') {
    const d = DEFAULTS[name]
    const factory = defaultProviderFactory({ http, embeddedEmbedder: () => new CodeHashEmbedder() })
    return factory.embedder({
      endpointId: name,
      endpoint: { kind: name, url: env.HEARTH_EMBED_URL ?? d.url },
      model: env.HEARTH_EMBED_MODEL ?? d.model,
      token: env.HEARTH_EMBED_TOKEN || undefined,
    })
  }
  throw new HearthError(
    'invalid_argument',
    `unknown embedder "${name}" (one of: ${EMBEDDER_NAMES.join(', ')})`,
  )
}

/** The client's and the process-wide policy on the embedder's URL, as each request would be judged. */
function assertAllowed(name: string, fromEnv: string | undefined, fallback: string, http: HttpClient): void {
  const url = fromEnv ?? fallback
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return // each request says "not a valid URL"
  }
  try {
    http.connectionPolicy.checkUrl(u)
    processConnectionPolicy().checkUrl(u)
  } catch (err) {
    if (!(err instanceof HearthError)) throw err
    const where = fromEnv !== undefined ? `HEARTH_EMBED_URL=${url}` : `default URL ${url}`
    throw new HearthError(
      err.code,
      `--embedder ${name} (${where}): ${err.message}. Use a loopback URL, --embedder hash, or a profile that allows the network`,
      err.details,
    )
  }
}

/** The embedder that produced an index's vectors, from the id stored with it (so queries match it). */
export function embedderForId(id: string, env: NodeJS.ProcessEnv = process.env): Embedder | null {
  if (id.startsWith('hearth-hash:')) {
    const m = /^hearth-hash:v2-(\d+)-([0-9.]+)$/.exec(id)
    return m ? new CodeHashEmbedder({ dimensions: Number(m[1]), gramWeight: Number(m[2]) }) : null
  }
  const colon = id.indexOf(':')
  const kind = id.slice(0, colon)
  if (kind === 'embedded') {
    // The id holds the file's name; it is looked for where downloads go.
    const dir = join(defaultDataDir(env), 'models')
    return new GgufEmbedder({ modelPath: embeddedModelPath(id.slice(colon + 1), dir) })
  }
  if (kind !== 'ollama' && kind !== 'triton' && kind !== 'openai') return null
  // Not checked up front: searching an index whose embedder the profile now refuses still works
  // from full text, and the refused requests never reach the resolver.
  return buildEmbedder(
    kind,
    { ...env, HEARTH_EMBED_MODEL: env.HEARTH_EMBED_MODEL ?? id.slice(colon + 1) },
    new HttpClient(),
  )
}
