import { defaultDataDir } from '../../core/files/dataDir'
import { RoutingServices, type RoutingOptions } from '../../core/router/routingServices'

/**
 * The user's settings and routing for one command, as the app routes: the active profile, its
 * offline rule and fallback chains. No periodic health checks and no settings-file watch (the
 * command's own request is the check); settings problems are worth a line on stderr, endpoint
 * state changes are the command's own error.
 */
export function commandRouting(override?: RoutingOptions['override']): Promise<RoutingServices> {
  return RoutingServices.create({
    dataDir: defaultDataDir(),
    monitor: false,
    watchIntervalMs: 0,
    log: (level, m) => {
      if (level === 'warn' && m.startsWith('settings:')) process.stderr.write(`hearth: ${m}\n`)
    },
    ...(override ? { override } : {}),
  })
}
