import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeOllama } from '../../helpers/fakeOllama'
import { FakeOpenAi } from '../../helpers/fakeOpenAi'
import { FakeTriton } from '../../helpers/fakeTriton'
import { retrySource } from '../../helpers/retryFixture'
import { runCli } from '../index/cliHelpers'

// `hearth ask` as a user runs it: a real index of a small folder, the question over real HTTP to a
// local server speaking the OpenAI (or Ollama) chat protocol, which answers citing what it read.
let dataDir: string
let ws: string
let openai: FakeOpenAi
let ollama: FakeOllama
let env: Record<string, string>

/** The model's answer: cites source [1] and a number that was never sent. */
const citing = (messages: { content: string }[]): string[] => {
  const last = messages.at(-1)?.content ?? ''
  return last.includes('[1] ') ? ['Backoff doubles ', 'the delay [1]', '; see also [9].'] : ['No sources.']
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-ask-'))
  ws = join(dataDir, 'ws')
  await mkdir(join(ws, 'src'), { recursive: true })
  await writeFile(join(ws, 'src', 'retry.ts'), retrySource('ts'))
  await writeFile(join(ws, 'src', 'colors.ts'), 'export const RED = "#f00"\nexport const BLUE = "#00f"\n')
  env = { HEARTH_DATA_DIR: dataDir }
  const indexed = await runCli(['index', ws, '--json'], { env })
  expect(indexed.code).toBe(0)
  openai = await new FakeOpenAi().start()
  openai.chatTokensFor = citing
  ollama = await new FakeOllama().start()
  ollama.chatTokensFor = citing
}, 120_000)

afterAll(async () => {
  await openai.close()
  await ollama.close()
  await rm(dataDir, { recursive: true, force: true })
})

interface AskJson {
  answer: string
  citations: { path: string; startLine: number; endLine: number }[]
  model: string
  ms: number
}

/** `hearth ask --workspace ws --provider P --url U --model M …rest`, as a user runs it. */
const ask = (provider: string, url: string, model: string, ...rest: string[]): ReturnType<typeof runCli> =>
  runCli(['ask', '--workspace', ws, '--provider', provider, '--url', url, '--model', model, ...rest], { env })

/** The question both OpenAI tests ask, with @codebase, as JSON. */
const askAboutRetry = (): ReturnType<typeof runCli> =>
  ask('openai', openai.url, 'qwen2.5-coder-1.5b', '--json', 'how does retry with backoff work')

const lastJson = (stdout: string): AskJson => JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as AskJson

describe('hearth ask', { timeout: 120_000 }, () => {
  it('answers from @codebase, cites only what it sent, and the prompt held the cited code', async () => {
    const r = await askAboutRetry()
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = lastJson(r.stdout)
    expect(out.answer).toBe('Backoff doubles the delay [1]; see also [9].')
    expect(r.stdout.startsWith(out.answer)).toBe(true)
    expect(out.model).toBe('qwen2.5-coder-1.5b')
    expect(out.citations).toHaveLength(1)
    const c = out.citations[0]
    expect(c?.path).toBe('src/retry.ts')
    const body = openai.requests.at(-1)?.body as { messages: { role: string; content: string }[] }
    const prompt = body.messages.at(-1)?.content ?? ''
    // Source [1] in the prompt is exactly the cited range, with its code.
    expect(prompt).toContain(`[1] ${c?.path}:${c?.startLine}-${c?.endLine}\n`)
    expect(prompt).toContain('delay *= 2')
    expect(prompt.endsWith('Question: how does retry with backoff work')).toBe(true)
  })

  it("fits the prompt and the answer's limit to the window the server reports", async () => {
    openai.maxModelLen = 600
    try {
      const r = await askAboutRetry()
      expect(r.code).toBe(0)
      const body = openai.requests.at(-1)?.body as { max_tokens: number; messages: { content: string }[] }
      const promptChars = body.messages.reduce((n, m) => n + m.content.length, 0)
      // A quarter of the window for the answer, the rest holds the prompt (≈3 characters a token).
      expect(body.max_tokens).toBe(150)
      expect(promptChars / 3 + body.messages.length * 8 + body.max_tokens).toBeLessThanOrEqual(600)
    } finally {
      openai.maxModelLen = undefined
    }
  })

  it('speaks Ollama too, and --no-codebase sends no sources', async () => {
    const r = await ask('ollama', ollama.url, 'qwen2.5-coder:1.5b', '--no-codebase', '--json', 'hello')
    expect(r.code).toBe(0)
    expect(lastJson(r.stdout)).toMatchObject({
      answer: 'No sources.',
      citations: [],
      model: 'qwen2.5-coder:1.5b',
    })
    expect(ollama.requests.at(-1)?.path).toBe('/api/chat')
  })

  it('speaks Triton (KServe v2 generate, the chat template applied by Hearth)', async () => {
    const triton = await new FakeTriton().start()
    try {
      triton.models.add('qwen2.5-coder-1.5b-instruct')
      triton.tokens = ['Through ', 'Triton.']
      const r = await ask(
        'triton',
        triton.url,
        'qwen2.5-coder-1.5b-instruct',
        '--no-codebase',
        '--json',
        'hello',
      )
      expect(r.stderr).toBe('')
      expect(lastJson(r.stdout)).toMatchObject({
        answer: 'Through Triton.',
        model: 'qwen2.5-coder-1.5b-instruct',
      })
      const body = triton.requests.at(-1)?.body as { text_input: string }
      expect(body.text_input.endsWith('<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n')).toBe(
        true,
      )
    } finally {
      await triton.close()
    }
  })

  it('a missing model says how to get it, in one line', async () => {
    const r = await ask('ollama', ollama.url, 'nope:7b', '--no-codebase', 'hello')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/ollama pull nope:7b/)
    expect(r.stderr).toMatch(
      /no chat model answered .*hearth models pull qwen2\.5-coder-1\.5b-instruct --use/,
    )
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('a folder with no index says what to run', async () => {
    const other = join(dataDir, 'other')
    await mkdir(other)
    const r = await runCli(
      ['ask', '--workspace', other, '--provider', 'ollama', '--url', ollama.url, 'hello'],
      {
        env,
      },
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/has no index yet: run `hearth index .*other` first, or ask with --no-codebase/)
  })
})
