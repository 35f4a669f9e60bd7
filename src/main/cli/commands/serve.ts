import { resolve } from 'node:path'
import { Core } from '../../core/createCore'
import { defaultDataDir } from '../../core/files/dataDir'
import { startServer } from '../../server/hearthServer'
import { serveToken } from '../../server/serveToken'
import { isLoopbackHostname } from '../../core/net/connectionPolicy'
import { type Command, intOption, parse } from '../command'

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the editor to a browser (headless mode)',
  usage: [
    'Usage: hearth serve [--workspace DIR] [--port N] [--host 127.0.0.1] [--data-dir DIR] [--new-token]',
    '',
    'Serves the Hearth UI and its API on http://HOST:PORT/. The printed URL carries a random',
    'token after "#token=" (a part of the URL the browser sends to no server); the page keeps it',
    'for this tab and shows it to the server on every request that reaches your files. Scripts',
    'send it as "Authorization: Bearer TOKEN" (e.g. GET /metrics). Never kept in a cookie. Binds to',
    'loopback unless --host says otherwise. The token is kept in the data directory (serve-token,',
    'readable only by you), so with a fixed --port a bookmarked URL and open pages keep working',
    'across restarts.',
    '',
    '  --workspace DIR   folder to open (default: the current directory)',
    '  --port N          port (default 0: a free one)',
    '  --host H          address to bind (default 127.0.0.1)',
    '  --data-dir DIR    where Hearth keeps its state (default: the per-user data directory)',
    '  --new-token       mint a new token (every page holding the old one is locked out)',
  ].join('\n'),
  async run(argv) {
    const { values } = parse(
      argv,
      {
        workspace: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'new-token': { type: 'boolean' },
      },
      false,
    )
    const port = intOption(values.port, 'port', 0, 65535) ?? 0
    const host = values.host ?? '127.0.0.1'
    const workspace = resolve(values.workspace ?? process.cwd())
    const dataDir = values['data-dir'] ?? defaultDataDir()
    const core = await Core.create({ dataDir, workspace })
    const { token, note } = serveToken(dataDir, values['new-token'] === true)
    if (note) process.stderr.write(`note: ${note}\n`)
    const server = await startServer({ core, host, port, token }).catch(async (err: unknown) => {
      // Nothing is served: let go of the workspace, its index and the backends' checks first.
      await core.dispose()
      throw err
    })
    if (!isLoopbackHostname(host)) {
      process.stderr.write(
        `warning: serving on ${host}: anyone who can reach it and has the token can edit ${workspace}\n`,
      )
    }
    process.stdout.write(`Hearth is serving ${workspace} at ${server.url}\n`)

    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        done()
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
    await server.close()
    await core.dispose()
    return 0
  },
}
