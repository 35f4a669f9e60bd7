import { HearthError } from '@shared/errors'
import { catalogueModel, type CatalogueModel, type HfFile } from './catalogue'

/** Hugging Face itself; `HF_ENDPOINT` (the hub libraries' variable) or a setting points at a mirror. */
export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co'

/** What `hearth models pull X` asked for, resolved to one file on the hub. */
export interface ModelRequest {
  /** The catalogue entry, when X named one. */
  entry?: CatalogueModel
  gguf: HfFile
  /** The file name it gets in the models folder. */
  fileName: string
}

const HUB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/

const usage = (spec: string, why: string): HearthError =>
  new HearthError(
    'invalid_argument',
    `"${spec.slice(0, 200)}" is not a model Hearth can download: ${why}. Use a name from \`hearth models list\` or hf:owner/repo/file.gguf[@revision].`,
  )

/** `qwen2.5-coder-1.5b`, or `hf:owner/repo/path/file.gguf` with an optional `@revision`. */
export function parseModelRequest(spec: string): ModelRequest {
  const trimmed = spec.trim()
  if (!trimmed.startsWith('hf:')) {
    const entry = catalogueModel(trimmed)
    if (!entry) throw usage(trimmed, 'no such model in the catalogue')
    return { entry, gguf: entry.gguf, fileName: localName(entry.gguf.file) }
  }
  let rest = trimmed.slice(3)
  let revision = 'main'
  const at = rest.lastIndexOf('@')
  if (at >= 0) {
    revision = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!/^[A-Za-z0-9._/-]{1,100}$/.test(revision) || revision.includes('..'))
      throw usage(trimmed, 'the revision is not a branch, tag or commit')
  }
  const parts = rest.split('/')
  if (parts.length < 3) throw usage(trimmed, 'it needs owner/repo/file')
  const [owner = '', repo = '', ...fileParts] = parts
  if (!HUB_NAME.test(owner) || !HUB_NAME.test(repo))
    throw usage(trimmed, 'the owner or repo name is not valid')
  if (fileParts.some((p) => p === '' || p === '.' || p === '..' || !/^[A-Za-z0-9._+-]+$/.test(p)))
    throw usage(trimmed, 'the file path is not valid')
  const file = fileParts.join('/')
  if (!file.toLowerCase().endsWith('.gguf'))
    throw usage(trimmed, 'only .gguf files can be used by the engine')
  return { gguf: { repo: `${owner}/${repo}`, file, revision }, fileName: localName(file) }
}

function localName(file: string): string {
  return file.split('/').pop() ?? file
}

/**
 * The hub's download URL for a file (`/<owner>/<repo>/resolve/<revision>/<file>`), on `endpoint`
 * (Hugging Face or a mirror with the same layout).
 */
export function hubFileUrl(endpoint: string, gguf: HfFile): URL {
  let base: URL
  try {
    base = new URL(endpoint)
  } catch {
    throw new HearthError('invalid_argument', `the Hugging Face endpoint "${endpoint}" is not a URL`)
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw new HearthError('invalid_argument', `the Hugging Face endpoint must be http(s): ${endpoint}`)
  const seg = (s: string): string => s.split('/').map(encodeURIComponent).join('/')
  const prefix = base.pathname.replace(/\/+$/, '')
  return new URL(`${prefix}/${seg(gguf.repo)}/resolve/${seg(gguf.revision)}/${seg(gguf.file)}`, base)
}

/** The endpoint to download from: the setting, else `HF_ENDPOINT`, else Hugging Face. */
export function hubEndpoint(setting: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.HF_ENDPOINT?.trim()
  return setting?.trim() || fromEnv || DEFAULT_HF_ENDPOINT
}
