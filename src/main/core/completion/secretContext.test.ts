import type { CompletionRequest } from '@shared/contract/completion'
import { describe, expect, it } from 'vitest'
import type { ContextSource } from '../inference/contextSource'
import { SteppedProvider } from '../inference/steppedProvider'
import { CompletionService } from './completionService'

const req = (requestId: number, path: string, prefix: string): CompletionRequest => ({
  editorId: path,
  requestId,
  path,
  language: 'typescript',
  prefix,
  suffix: '\n',
  line: 1,
  column: prefix.length + 1,
  offset: prefix.length,
  trigger: 'explicit',
})

const index: ContextSource = {
  name: 'index',
  snippets: () =>
    Promise.resolve([{ path: '.env', text: 'STRIPE_KEY=sk_live_from_index', kind: 'definition' }]),
}

/** What the provider was sent for a completion in src/app.ts after the user typed in `.env`. */
async function promptAfterEditingEnv(includeSecretFiles: boolean | undefined): Promise<string> {
  const provider = new SteppedProvider()
  const svc = new CompletionService({
    provider,
    contextSources: [index],
    ...(includeSecretFiles === undefined ? {} : { includeSecretFiles: () => includeSecretFiles }),
  })
  try {
    const first = svc.request(req(1, '.env', 'OPENAI_KEY=sk-typed-in-env'), new AbortController().signal)
    ;(await provider.call(0)).end()
    await first
    const second = svc.request(req(2, 'src/app.ts', 'const key = '), new AbortController().signal)
    const call = await provider.call(1)
    call.end()
    await second
    return JSON.stringify(call.prompt)
  } finally {
    await svc.dispose()
  }
}

describe('secret-looking files in completion context', () => {
  it('stay out of other files’ prompts by default (index snippets and recent edits)', async () => {
    const prompt = await promptAfterEditingEnv(undefined)
    expect(prompt).not.toContain('sk_live_from_index')
    expect(prompt).not.toContain('sk-typed-in-env')
  })

  it('go in when the user opted in (index.includeSecretFiles)', async () => {
    const prompt = await promptAfterEditingEnv(true)
    expect(prompt).toContain('sk_live_from_index')
    expect(prompt).toContain('sk-typed-in-env')
  })
})
