import { join } from 'node:path'
import { loopbackOnlyPolicy, allowAllPolicy } from '../net/connectionPolicy'
import { setProcessConnectionPolicy } from '../net/httpClient'
import { readSettingsFile } from '../settings/readSettingsFile'
import { resolveSettings } from '../settings/resolveSettings'

/**
 * For one-shot processes (CLI commands) that do not build the core: reads the user's (and the
 * workspace's) settings and installs the active profile's network rule process-wide, so
 * `hearth complete --url http://dgx…` under the offline profile is refused like in the app.
 */
export async function applyProfileNetworkPolicy(
  dataDir: string,
  workspaceRoot?: string,
): Promise<{ profile: string; network: 'any' | 'loopback-only' }> {
  const user = await readSettingsFile(join(dataDir, 'settings.json'))
  const ws = workspaceRoot
    ? await readSettingsFile(join(workspaceRoot, '.hearth', 'settings.json'))
    : undefined
  const { settings } = resolveSettings(
    { file: user.file, raw: user.raw },
    ws ? { file: ws.file, raw: ws.raw } : undefined,
  )
  const network = settings.profiles[settings.profile]?.network ?? 'any'
  setProcessConnectionPolicy(network === 'loopback-only' ? loopbackOnlyPolicy : allowAllPolicy)
  return { profile: settings.profile, network }
}
