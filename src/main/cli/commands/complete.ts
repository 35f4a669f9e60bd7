import { readFileSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { MAX_PREFIX_CHARS, MAX_SUFFIX_CHARS } from '@shared/contract/completion'
import { HearthError } from '@shared/errors'
import { CompletionCache } from '../../core/completion/completionCache'
import { CompletionService } from '../../core/completion/completionService'
import { languageForPath } from '../../core/text/language'
import { defaultDataDir } from '../../core/files/dataDir'
import type { ConnectionPolicy } from '../../core/net/connectionPolicy'
import { FIM_PROVIDER_KINDS, fimOverrideFrom } from '../../core/router/fimFlags'
import { type Command, intOption, parse, UsageError } from '../command'
import { commandRouting } from './commandRouting'

/** Cursor (1-based line and column, UTF-16 columns as Monaco counts them) → offset in `text`. */
export function offsetOf(text: string, line: number, column: number): number {
  let start = 0
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start)
    if (nl < 0) throw new UsageError(`--line ${line} is past the end of the file (${l} lines)`)
    start = nl + 1
  }
  const end = text.indexOf('\n', start)
  const lineText = text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '')
  if (column > lineText.length + 1) {
    throw new UsageError(`--column ${column} is past the end of line ${line} (${lineText.length} characters)`)
  }
  return start + column - 1
}

/**
 * A --url (or HEARTH_FIM_URL) the active profile forbids (offline: anything but loopback) stops the command with the
 * profile's reason and the flag that named it. The HTTP layer would refuse it too, unresolved;
 * this only words the refusal for the person who typed the URL.
 */
function refuseByPolicy(url: string | undefined, from: string, policy: ConnectionPolicy): void {
  if (!url || !URL.canParse(url)) return
  try {
    policy.checkUrl(new URL(url))
  } catch (err) {
    if (!(err instanceof HearthError)) throw err
    throw new HearthError(
      err.code,
      `${from} ${url}: ${err.message}. Use a loopback URL, or a profile that allows the network`,
      err.details,
    )
  }
}

export const completeCommand: Command = {
  name: 'complete',
  summary: 'fill-in-the-middle completion at a position in a file',
  usage: [
    'Usage: hearth complete --file F --line L --column C [--provider P] [--url URL] [--model M] [--json]',
    '',
    '  --file F          the file to complete in',
    '  --line L          cursor line, 1-based',
    '  --column C        cursor column, 1-based (as the editor shows it)',
    '',
    'Without --provider, --url or --model, the completion goes where the active profile of your',
    'settings sends it (<data dir>/settings.json, as in the app). These flags override that route:',
    `  --provider P      ${FIM_PROVIDER_KINDS.join('|')} (default: embedded if --model is a .gguf, else ollama)`,
    '  --url URL         server URL (ollama default http://127.0.0.1:11434)',
    '  --model M         model name; for embedded, the GGUF file',
    '  --threads N       embedded engine CPU threads (default 2)',
    '  --max-tokens N    longest completion (default 128)',
    '  --timeout MS      deadline for the whole request, model load included (default 30000)',
    '  --no-cache        neither read nor write the completion cache',
    '  --json            {"completion":"...","cached":false,"ms":N,"provider":"...","model":"..."}',
    '',
    'Environment: HEARTH_FIM_PROVIDER, HEARTH_FIM_URL, HEARTH_FIM_MODEL, HEARTH_FIM_THREADS, HEARTH_FIM_TOKEN.',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        file: { type: 'string' },
        line: { type: 'string' },
        column: { type: 'string' },
        provider: { type: 'string' },
        url: { type: 'string' },
        model: { type: 'string' },
        threads: { type: 'string' },
        'max-tokens': { type: 'string' },
        timeout: { type: 'string' },
        'no-cache': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      false,
    )
    void positionals
    if (!values.file) throw new UsageError('missing --file')
    const line = intOption(values.line, 'line', 1, 10_000_000)
    const column = intOption(values.column, 'column', 1, 10_000_000)
    if (line === undefined || column === undefined) throw new UsageError('missing --line or --column')
    const threads = intOption(values.threads, 'threads', 1, 256)
    const maxTokens = intOption(values['max-tokens'], 'max-tokens', 1, 4096) ?? 128
    const timeoutMs = intOption(values.timeout, 'timeout', 100, 600_000) ?? 30_000
    if (values.provider && !(FIM_PROVIDER_KINDS as readonly string[]).includes(values.provider)) {
      throw new UsageError(`--provider must be one of ${FIM_PROVIDER_KINDS.join(', ')}`)
    }

    const file = resolve(values.file)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      throw new HearthError(
        'not_found',
        `cannot read ${values.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      )
    }
    // Columns count in the line as the editor shows it; offsets work on "\n" text like the renderer sends.
    const lf = text.replace(/\r\n/g, '\n')
    const offset = offsetOf(lf, line, column)
    const rel = relative(process.cwd(), file).split(sep).join('/')

    const override = fimOverrideFrom({
      ...(values.provider ? { provider: values.provider } : {}),
      ...(values.url ? { url: values.url } : {}),
      ...(values.model ? { model: values.model } : {}),
      ...(threads ? { threads } : {}),
      timeoutMs,
    })
    if (!override && threads !== undefined)
      throw new UsageError(
        '--threads applies to the embedded engine: add --provider embedded or a .gguf --model',
      )
    const dataDir = defaultDataDir()
    // Flags serve the task from one endpoint; without them the profile's route serves it, with
    // this command's deadline (the profile's is sized for typing, not for a cold model load).
    const routing = await commandRouting(override ?? { task: 'completion', timeoutMs })
    try {
      const from = values.url ? '--url' : 'HEARTH_FIM_URL'
      refuseByPolicy(override?.serve?.endpoint.url, from, routing.http.connectionPolicy)
    } catch (err) {
      await routing.dispose()
      throw err
    }
    const cache = values['no-cache']
      ? new CompletionCache({ maxEntries: 0 })
      : new CompletionCache({ file: join(dataDir, 'completion-cache.jsonl') })
    await cache.load()
    const svc = new CompletionService({
      route: routing.router.completionProvider(),
      cache,
      timeoutMs,
      firstByteMs: timeoutMs,
      stallMs: Math.min(timeoutMs, 10_000),
      temperature: 0.2,
      budgets: {
        background: {
          paused: false,
          reason: '',
          indexConcurrency: 1,
          embedBatchSize: 1,
          embedPerMinute: 0,
          prefetch: false,
        },
        completion: { maxTokens, debounceMs: 0 },
      },
    })
    try {
      const result = await svc.request(
        {
          editorId: 'cli',
          requestId: 1,
          path: rel,
          language: languageForPath(file),
          prefix: lf.slice(Math.max(0, offset - MAX_PREFIX_CHARS), offset),
          suffix: lf.slice(offset, offset + MAX_SUFFIX_CHARS),
          line,
          column,
          offset,
          trigger: 'explicit',
        },
        new AbortController().signal,
      )
      if (values.json) {
        const out = {
          completion: result.text,
          cached: result.cached,
          ms: Math.round(result.ms),
          provider: result.provider,
          model: result.model,
        }
        process.stdout.write(JSON.stringify(out) + '\n')
      } else {
        process.stdout.write(result.text + '\n')
      }
      return 0
    } finally {
      await svc.dispose()
      await routing.dispose()
    }
  },
}
