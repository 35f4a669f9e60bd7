import type { z } from 'zod'
import { defaultSettings } from '@shared/settings/defaults'
import { Settings, type SettingsProblem } from '@shared/settings/schema'
import { formatKey, isPlainObject, mergePatch, pruneAt, type JsonObject } from './mergePatch'

/** One settings file as read: its JSON object (undefined when missing or unreadable). */
export interface SettingsLayer {
  file: string
  raw: JsonObject | undefined
}

export interface ResolvedSettings {
  settings: Settings
  problems: SettingsProblem[]
}

/** Bounds the prune-and-retry loop; each round removes at least one key, files are small. */
const MAX_ROUNDS = 50

/**
 * defaults ⊕ user ⊕ workspace → effective settings, never throwing. A key that makes a layer
 * invalid is reported against that layer's file and left out, so the value beneath it (user
 * file or defaults) applies and everything else in the file still works. Files are not touched.
 *
 * The workspace file lives in a repository someone else may have written, so it may make
 * things stricter but not looser: it cannot define endpoints (where code and tokens go), cannot
 * open a profile's network, may only select a loopback-only profile, and cannot let secret-looking
 * files into the index.
 */
export function resolveSettings(user: SettingsLayer, workspace?: SettingsLayer): ResolvedSettings {
  const problems: SettingsProblem[] = []
  let effective = defaultSettings()
  effective = applyLayer(effective, user, problems)
  if (workspace?.raw) {
    const restricted = restrictWorkspace(workspace, effective, problems)
    effective = applyLayer(effective, { file: workspace.file, raw: restricted }, problems)
  }
  return { settings: effective, problems }
}

function applyLayer(base: Settings, layer: SettingsLayer, problems: SettingsProblem[]): Settings {
  if (!layer.raw) return base
  const raw = structuredClone(layer.raw)
  const reported = new Set<string>()
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const parsed = Settings.safeParse(mergePatch(base, raw))
    if (parsed.success) return parsed.data
    let pruned = false
    for (const { path, message } of parsed.error.issues.flatMap(splitIssue)) {
      const key = formatKey(path)
      const sig = `${key}\u0000${message}`
      if (!reported.has(sig)) {
        reported.add(sig)
        problems.push({ file: layer.file, key, message, severity: 'error' })
      }
      if (pruneAt(raw, path)) pruned = true
    }
    if (!pruned) break
  }
  problems.push({
    file: layer.file,
    key: '',
    message:
      'the file could not be applied (see the errors above); its settings are ignored until it is fixed',
    severity: 'error',
  })
  return base
}

const SECRET_KEY = /token|secret|password|api[-_]?key|authorization|bearer/i

/** One problem per unknown key (so only that key is dropped, not its whole object). */
function splitIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string }[] {
  if (issue.code !== 'unrecognized_keys') return [{ path: issue.path, message: issue.message }]
  return issue.keys.map((k) => ({
    path: [...issue.path, k],
    message: SECRET_KEY.test(k)
      ? 'tokens are never stored in settings files: set them in the settings panel (secret store), or HEARTH_TOKEN_<ENDPOINT> for the CLI and server'
      : 'unknown key',
  }))
}

function restrictWorkspace(ws: SettingsLayer, below: Settings, problems: SettingsProblem[]): JsonObject {
  const raw = structuredClone(ws.raw ?? {})
  const warn = (key: string, message: string): void => {
    problems.push({ file: ws.file, key, message, severity: 'warning' })
  }
  if (Object.hasOwn(raw, 'endpoints')) {
    delete raw.endpoints
    warn('endpoints', 'endpoints (servers and their URLs) can only be set in user settings; ignored here')
  }
  if (isPlainObject(raw.profiles)) {
    for (const [pid, p] of Object.entries(raw.profiles)) {
      if (isPlainObject(p) && Object.hasOwn(p, 'network') && p.network !== 'loopback-only') {
        delete p.network
        warn(`profiles.${pid}.network`, 'a workspace may only restrict a profile to "loopback-only"; ignored')
      }
    }
  }
  if (isPlainObject(raw.index) && raw.index.includeSecretFiles === true) {
    delete raw.index.includeSecretFiles
    warn(
      'index.includeSecretFiles',
      'only user settings can let secret-looking files into the index and completion context; ignored here',
    )
  }
  if (isPlainObject(raw.index) && Object.hasOwn(raw.index, 'removeUnusedAfterDays')) {
    // A cloned repository must not delete the indexes of the user's other folders.
    delete raw.index.removeUnusedAfterDays
    warn('index.removeUnusedAfterDays', "only user settings can remove other folders' indexes; ignored here")
  }
  if (isPlainObject(raw.models) && Object.hasOwn(raw.models, 'hubEndpoint')) {
    // A cloned repository must not choose where models are downloaded from (and so their bytes).
    delete raw.models.hubEndpoint
    warn('models.hubEndpoint', 'only user settings can choose where models are downloaded from; ignored here')
  }
  if (Object.hasOwn(raw, 'profile')) {
    const pid = raw.profile
    const merged = mergePatch(below.profiles, raw.profiles ?? {})
    const target = typeof pid === 'string' && isPlainObject(merged) ? merged[pid] : undefined
    if (!isPlainObject(target) || target.network !== 'loopback-only') {
      delete raw.profile
      warn(
        'profile',
        `a workspace may only select a loopback-only profile (such as "offline"); "${String(pid)}" ignored, using "${below.profile}"`,
      )
    }
  }
  return raw
}
