import { TEMP_MARKER } from './atomicWrite'

/**
 * Files the index leaves out by name, whatever .gitignore says. Not part of IgnoreRules: the
 * explorer still lists them (the user may open a `.env` or a `foo~`), only the index, the watcher's
 * change events and completion context leave them out.
 */

/** The setting that opts secret-looking files back in, named in their skip reason. */
export const SECRET_SETTING = 'index.includeSecretFiles'

export const SECRET_REASON = `may contain secrets (set ${SECRET_SETTING} to index it)`

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

/**
 * A temp or backup file of a save in progress: ours (atomicWrite's `.<name>.hearth-tmp-<hex>`,
 * which lives for the length of one save) and common editors' (Emacs `foo~`, `#foo#` and `.#foo`
 * lock links, Vim `.foo.swp`/`.swo`/`.swx` and its `4913` write probe, Kate `.foo.kate-swp`,
 * JetBrains `foo___jb_tmp___`/`___jb_old___`). Indexing one would put a second, half-written copy of
 * a file into search results and completion context, and drop it again a moment later.
 */
export function isTempFileName(path: string): boolean {
  const name = baseName(path)
  if (name.includes(TEMP_MARKER)) return true
  if (name === '4913') return true
  if (name.endsWith('~') || name.startsWith('.#')) return true
  if (name.length > 2 && name.startsWith('#') && name.endsWith('#')) return true
  if (/\.sw[pox]$/.test(name)) return true // vim: a swap file, the next one, its name probe
  if (name.startsWith('.') && name.endsWith('.kate-swp')) return true
  if (name.endsWith('___jb_tmp___') || name.endsWith('___jb_old___')) return true
  return false
}

/** `.env` templates (`.env.example`, `.env.local.sample`): committed on purpose, with placeholders. */
const ENV_TEMPLATE = /\.(example|sample|template|dist)$/

/** Exact names (lower case) of files whose usual content is a credential. */
const SECRET_NAMES = new Set([
  '.npmrc',
  '.pypirc',
  '.netrc',
  '_netrc',
  '.git-credentials',
  '.pgpass',
  '.htpasswd',
  'credentials', // ~/.aws/credentials and the like
  'credentials.json', // Google API client secrets (the quickstarts' name)
])

/** Extensions (lower case) of key and certificate stores. */
const SECRET_EXTENSIONS = ['.pem', '.key', '.p12', '.pfx']

/** SSH private keys (their `.pub` halves are public by definition). */
const SSH_KEY = /^id_(rsa|dsa|ecdsa|ed25519)(?!.*\.pub$)/

/**
 * Whether a file's name says it usually holds a credential: `.env` and `.env.*` (not the
 * `.example`/`.sample`/`.template`/`.dist` ones), private keys and certificate stores, package
 * registry and login files. Kept to names that are rarely anything else, so ordinary source is
 * never left out; the index skips these visibly, with SECRET_REASON, unless the user opts in.
 */
export function looksSecret(path: string): boolean {
  const name = baseName(path).toLowerCase()
  if (name === '.env') return true
  if (name.startsWith('.env.')) return !ENV_TEMPLATE.test(name)
  if (SECRET_NAMES.has(name)) return true
  if (SSH_KEY.test(name)) return true
  return SECRET_EXTENSIONS.some((ext) => name.endsWith(ext) && name.length > ext.length)
}
