import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { HearthError } from '@shared/errors'
import { ChatService } from '../../core/chat/chatService'
import type { SourcePorts } from '../../core/chat/chatSources'
import { CHAT_SETUP_IN_CLI, withChatSetupHint } from '../../core/chat/setupHint'
import { readWorkspaceText } from '../../core/chat/workspaceText'
import { PathGuard } from '../../core/files/pathGuard'
import { canonicalRoot, indexDirFor } from '../../core/index/indexLocation'
import { FIM_PROVIDER_KINDS, fimOverrideFrom } from '../../core/router/fimFlags'
import { type Command, intOption, parse, UsageError } from '../command'
import { openSearchTarget, type SearchTarget } from '../searchTarget'
import { commandRouting } from './commandRouting'

export const askCommand: Command = {
  name: 'ask',
  summary: 'ask a question about the code of a folder (chat with citations)',
  usage: [
    'Usage: hearth ask [--workspace DIR] [--file PATH]… [--no-codebase] [--reasoning]',
    '                  [--provider P --url URL --model M] [--json] "question"',
    '',
    "Answers from the folder's index (as @codebase in the app: the chunks most related to the",
    'question) and any --file you name, streaming the answer; it cites what it used as [n], listed',
    'after the answer as path:lines. Run `hearth index DIR` first for @codebase.',
    '',
    '  --workspace DIR  the folder (default: the current directory)',
    '  --file PATH      also send this file (workspace-relative); repeatable',
    '  --no-codebase    do not retrieve from the index',
    "  --reasoning      use the profile's reasoning task (a larger model, where one is set)",
    `  --provider P     ${FIM_PROVIDER_KINDS.join('|')}; with --url/--model, instead of the profile's chat route`,
    '  --url URL        server URL',
    '  --model M        model name; for embedded, the GGUF file',
    '  --max-tokens N   longest answer (default 1024)',
    '  --timeout MS     deadline for the whole answer (default 120000)',
    '  --json           after the streamed text, one line:',
    '                   {"answer","citations":[{"path","startLine","endLine"}],"model","ms"}',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parse(argv, {
      workspace: { type: 'string' },
      file: { type: 'string', multiple: true },
      'no-codebase': { type: 'boolean' },
      reasoning: { type: 'boolean' },
      provider: { type: 'string' },
      url: { type: 'string' },
      model: { type: 'string' },
      'max-tokens': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    })
    const question = positionals.join(' ').trim()
    if (!question) throw new UsageError('missing the question')
    const maxTokens = intOption(values['max-tokens'], 'max-tokens', 1, 32_768) ?? 1024
    const timeoutMs = intOption(values.timeout, 'timeout', 1000, 3_600_000) ?? 120_000
    const task: 'chat' | 'reasoning' = values.reasoning ? 'reasoning' : 'chat'
    // The same flags as `hearth complete`, for this question's task only (no HEARTH_FIM_* here).
    const fim = fimOverrideFrom(
      {
        ...(values.provider ? { provider: values.provider } : {}),
        ...(values.url ? { url: values.url } : {}),
        ...(values.model ? { model: values.model } : {}),
        timeoutMs,
      },
      {},
    )
    const override = fim ? { ...fim, task } : { task, timeoutMs }
    const root = canonicalRoot(values.workspace ?? process.cwd())
    const dbDir = indexDirFor(root)
    const codebase = !values['no-codebase']
    if (codebase && !existsSync(join(dbDir, 'pg')))
      throw new HearthError(
        'not_found',
        `${root} has no index yet: run \`hearth index ${root}\` first, or ask with --no-codebase`,
      )
    const routing = await commandRouting(override)
    let target: SearchTarget | undefined
    try {
      if (codebase) target = await openSearchTarget({ root, dbDir, reindex: `hearth index ${root}` })
      const guard = new PathGuard(root)
      const search = target
      const ports: SourcePorts = {
        search: async (q, limit) =>
          search ? (await search.search(q, { mode: 'hybrid', limit, maxPerFile: 2 })).results : [],
        // Decoded as the panel and the editor decode it: BOM dropped, binary refused.
        readFile: (path) => readWorkspaceText(guard, path),
      }
      const chat = new ChatService({ route: routing.router.chat(), sources: ports, maxTokens, timeoutMs })
      const ac = new AbortController()
      const stop = (): void => ac.abort()
      process.once('SIGINT', stop)
      try {
        const r = await chat
          .ask(
            { question, context: { codebase, files: values.file ?? [] }, task },
            (t) => process.stdout.write(t),
            ac.signal,
          )
          .catch((err: unknown) => {
            throw withChatSetupHint(err, CHAT_SETUP_IN_CLI)
          })
        process.stdout.write('\n')
        if (values.json) {
          const citations = r.citations.map(({ path, startLine, endLine }) => ({ path, startLine, endLine }))
          process.stdout.write(
            `${JSON.stringify({ answer: r.answer, citations, model: r.model, ms: Math.round(r.ms) })}\n`,
          )
        } else {
          for (const c of r.citations)
            process.stdout.write(`[${c.n}] ${c.path}:${c.startLine}-${c.endLine}\n`)
          if (r.stopReason === 'length')
            process.stderr.write(`hearth ask: the answer reached --max-tokens ${maxTokens} and was cut\n`)
        }
        return 0
      } finally {
        process.off('SIGINT', stop)
      }
    } finally {
      await target?.close()
      await routing.dispose()
    }
  },
}
