import { resolve } from 'node:path'
import type { BackendsStatus } from '@shared/contract/settings'
import { defaultDataDir } from '../../core/files/dataDir'
import { RoutingServices } from '../../core/router/routingServices'
import { type Command, parse } from '../command'

/** `hearth backends`: the active profile's routes and each backend's health, as the status bar shows them. */
export const backendsCommand: Command = {
  name: 'backends',
  summary: 'check the inference backends of the active profile (health, fallback, fixes)',
  usage: [
    'Usage: hearth backends [--workspace DIR] [--models] [--json]',
    '',
    '  --workspace DIR  also apply DIR/.hearth/settings.json',
    '  --models         list the models each endpoint serves (Ollama /api/tags, Triton repository, /v1/models)',
    '  --json           {"status":{profile,network,tasks,endpoints},"models":[…]} (tokens never included)',
    '',
    'Settings: <data dir>/settings.json. Tokens for the CLI: HEARTH_TOKEN_<ENDPOINT_ID>.',
  ].join('\n'),
  async run(argv) {
    const { values } = parse(
      argv,
      { workspace: { type: 'string' }, models: { type: 'boolean' }, json: { type: 'boolean' } },
      false,
    )
    const routing = await RoutingServices.create({
      dataDir: defaultDataDir(),
      monitor: false,
      watchIntervalMs: 0,
    })
    try {
      if (values.workspace) await routing.setWorkspace(resolve(values.workspace))
      const status = await routing.router.checkAll()
      const models = values.models ? await routing.router.listModels() : undefined
      if (values.json) {
        process.stdout.write(JSON.stringify(models ? { status, models } : { status }) + '\n')
      } else {
        process.stdout.write(formatStatus(status))
        for (const m of models ?? []) {
          const list = m.error ? `(${m.error})` : m.models.map((x) => x.name).join(', ') || '(none)'
          process.stdout.write(`models ${m.endpointId}: ${list}\n`)
        }
        for (const p of routing.settings.problems) {
          process.stderr.write(`settings: ${p.file}: ${p.key ? `${p.key}: ` : ''}${p.message}\n`)
        }
      }
      return status.tasks.some((t) => t.task === 'completion' && t.endpointId !== null) ? 0 : 1
    } finally {
      await routing.dispose()
    }
  },
}

function formatStatus(s: BackendsStatus): string {
  const lines = [`profile ${s.profile}${s.network === 'loopback-only' ? ' (offline: loopback only)' : ''}`]
  for (const t of s.tasks) {
    lines.push(
      t.endpointId
        ? `  ${t.task.padEnd(10)} → ${t.endpointId} · ${t.model ?? ''}${t.fallback ? '  (fallback)' : ''}`
        : `  ${t.task.padEnd(10)} → none: ${t.reason ?? ''}`,
    )
  }
  for (const e of s.endpoints) {
    lines.push(`  ${e.id.padEnd(10)} ${e.state.padEnd(13)} ${e.message}`)
    if (e.fix) lines.push(`  ${''.padEnd(10)} fix: ${e.fix}`)
  }
  return lines.join('\n') + '\n'
}
