import { join } from 'node:path'
import { HearthError } from '@shared/errors'
import { defaultDataDir } from '../../core/files/dataDir'
import { formatBytes, progressText } from '@shared/format'
import { ModelManager } from '../../core/models/modelManager'
import { parseModelRequest } from '../../core/models/modelSpec'
import { thisMachine } from '../../core/models/recommend'
import { useDownloadedModel } from '../../core/modelHandlers'
import { HttpClient } from '../../core/net/httpClient'
import { loopbackOnlyPolicy } from '../../core/net/connectionPolicy'
import { SettingsService } from '../../core/settings/settingsService'
import { type Command, parse, UsageError } from '../command'
import { ProgressLine } from './progressLine'

const USAGE = [
  'Usage: hearth models list [--json]',
  '       hearth models recommend [--json]',
  '       hearth models pull <name | hf:owner/repo/file.gguf[@revision]> [--use]',
  '       hearth models pull --ollama <model> [--url URL]',
  '       hearth models rm <name | file.gguf>',
  '',
  '  list       the catalogue and what is installed in <data dir>/models',
  '  recommend  one model per task for this machine, and why',
  '  pull       download from Hugging Face (resumes, verifies sha256); --use makes the',
  '             active profile use it for its task (completion, chat or embedding) on the embedded engine',
  '  --ollama   pull into a running Ollama instead (its /api/pull), default URL http://127.0.0.1:11434',
  '  rm         delete a downloaded model (and any partial download of it)',
  '',
  'Environment: HF_ENDPOINT (a Hugging Face mirror), HF_TOKEN (gated repositories),',
  'HEARTH_TOKEN_OLLAMA (an Ollama behind an auth proxy), HEARTH_DATA_DIR.',
].join('\n')

/** `hearth models`: the model manager on the command line. */
export const modelsCommand: Command = {
  name: 'models',
  summary: 'list, recommend, download (Hugging Face or Ollama) and remove models',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      json: { type: 'boolean' },
      use: { type: 'boolean' },
      ollama: { type: 'string' },
      url: { type: 'string' },
    })
    const [verb, arg, ...extra] = positionals
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const dataDir = defaultDataDir()
    const settings = await SettingsService.open({
      userFile: join(dataDir, 'settings.json'),
      watchIntervalMs: 0,
    })
    const s = settings.settings
    const offline = s.profiles[s.profile]?.network === 'loopback-only'
    const http = new HttpClient(offline ? { policy: loopbackOnlyPolicy } : {})
    const modelsDir = s.endpoints.embedded?.modelsDir ?? join(dataDir, 'models')
    const manager = new ModelManager({ http, modelsDir, offline: () => offline })
    try {
      switch (verb) {
        case 'list':
          return await list(manager, values.json === true)
        case 'recommend':
          return recommendCmd(manager, values.json === true)
        case 'pull':
          if (values.ollama !== undefined) {
            if (arg !== undefined) throw new UsageError('give either a name or --ollama <model>, not both')
            // The CLI's tokens come from the environment (HEARTH_TOKEN_<ENDPOINT_ID>), as for its other commands.
            return await pullOllama(
              manager,
              values.ollama,
              values.url ?? s.endpoints.ollama?.url,
              process.env.HEARTH_TOKEN_OLLAMA?.trim() || undefined,
            )
          }
          if (!arg) throw new UsageError('pull needs a model name (see `hearth models list`)')
          return await pull(manager, arg, values.use === true ? settings : undefined)
        case 'rm':
          if (!arg) throw new UsageError('rm needs a model name or file')
          for (const p of await manager.remove(arg)) process.stdout.write(`removed ${p}\n`)
          return 0
        case undefined:
          throw new UsageError('which one: list, recommend, pull or rm?')
        default:
          throw new UsageError(`unknown models command "${verb}"`)
      }
    } finally {
      manager.dispose()
      http.dispose()
      settings.dispose()
    }
  },
}

async function list(manager: ModelManager, json: boolean): Promise<number> {
  const installed = await manager.installed()
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        modelsDir: manager.modelsDir,
        catalogue: manager.catalogue(),
        installed: installed.map(({ entry, ...m }) => ({ ...m, id: entry?.id ?? null })),
      })}\n`,
    )
    return 0
  }
  const have = new Map(installed.map((m) => [m.fileName, m]))
  for (const task of ['completion', 'chat', 'embedding'] as const) {
    process.stdout.write(`${task}:\n`)
    for (const m of manager.catalogue().filter((c) => c.task === task)) {
      const i = have.get(m.gguf.file.split('/').pop() ?? '')
      const state = i
        ? i.partial
          ? `partial ${formatBytes(i.bytes)}`
          : 'installed'
        : formatBytes(m.sizeBytes)
      process.stdout.write(`  ${m.id.padEnd(30)} ${state.padEnd(16)} ${m.purpose}\n`)
    }
  }
  const others = installed.filter((m) => !m.entry)
  if (others.length > 0) {
    process.stdout.write('other files:\n')
    for (const m of others)
      process.stdout.write(`  ${m.fileName} ${m.partial ? '(partial) ' : ''}${formatBytes(m.bytes)}\n`)
  }
  process.stdout.write(`models folder: ${manager.modelsDir}\n`)
  return 0
}

function recommendCmd(manager: ModelManager, json: boolean): number {
  const recs = manager.recommend(thisMachine())
  if (json) {
    process.stdout.write(
      `${JSON.stringify(recs.map((r) => ({ task: r.task, id: r.model.id, why: r.why })))}\n`,
    )
    return 0
  }
  for (const r of recs) process.stdout.write(`${r.task.padEnd(11)} ${r.model.id.padEnd(30)} ${r.why}\n`)
  process.stdout.write('Download one with: hearth models pull <name> --use\n')
  return 0
}

async function pull(
  manager: ModelManager,
  spec: string,
  useIn: SettingsService | undefined,
): Promise<number> {
  const request = parseModelRequest(spec)
  const line = new ProgressLine(process.stderr)
  const stop = (): void => void manager.cancel(spec)
  process.once('SIGINT', stop)
  try {
    const res = await manager.pull(spec, (p) => line.update(p.phase, p.bytes, p.totalBytes, progressText(p)))
    line.done()
    process.stdout.write(
      `${res.path} (${formatBytes(res.bytes)}, sha256 ${res.sha256}${res.resumed ? ', resumed' : ''})\n`,
    )
    if (useIn) {
      const task = await useDownloadedModel(useIn, request)
      process.stdout.write(`the ${useIn.settings.profile} profile now uses it for ${task}\n`)
    }
    return 0
  } catch (err) {
    line.done()
    if (err instanceof HearthError && err.code === 'cancelled') {
      process.stderr.write('hearth models: cancelled; run the same pull again to resume\n')
      return 130
    }
    throw err
  } finally {
    process.off('SIGINT', stop)
  }
}

async function pullOllama(
  manager: ModelManager,
  model: string,
  url: string | undefined,
  token: string | undefined,
): Promise<number> {
  const line = new ProgressLine(process.stderr)
  await manager.pullOllama(
    url ?? 'http://127.0.0.1:11434',
    model,
    (p) => line.update(p.status, p.bytes, p.totalBytes, progressText(p)),
    token,
  )
  line.done()
  process.stdout.write(`${model} is ready in Ollama\n`)
  return 0
}
