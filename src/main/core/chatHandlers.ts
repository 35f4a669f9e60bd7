import { join } from 'node:path'
import type { chatMethods, ChatTurn } from '@shared/contract/chat'
import { HearthError } from '@shared/errors'
import type { EventBus } from './base/eventBus'
import { ChatService } from './chat/chatService'
import type { SourcePorts } from './chat/chatSources'
import { ConversationStore } from './chat/conversationStore'
import { editMessages, extractRewrite } from './chat/inlineEdit'
import { DEFAULT_CONTEXT_TOKENS, estimateTokens } from './chat/promptBudget'
import { CHAT_SETUP_IN_APP, withChatSetupHint } from './chat/setupHint'
import { readWorkspaceText } from './chat/workspaceText'
import type { ChatMessage } from './inference/chat/chatTypes'
import { indexDirFor } from './index/indexLocation'
import type { IndexService } from './index/indexService'
import type { FittedChat, RoutedChat } from './router/routedChat'
import type { HandlersFor } from './rpc/handlers'
import type { WorkspaceService } from './workspace/workspaceService'

export interface ChatDeps {
  dataDir: string
  workspace: WorkspaceService
  index: IndexService
  route: RoutedChat
  events: Pick<EventBus, 'emit'>
}

/**
 * The chat panel's calls: questions answered by the one ChatService (the same sources, prompt and
 * citations as `hearth ask`), with the open folder's files and index as the sources and its
 * conversations kept beside its index.
 */
export function chatHandlers(d: ChatDeps): HandlersFor<keyof typeof chatMethods> {
  const root = (): string => {
    const r = d.workspace.root
    if (!r) throw new HearthError('unavailable', 'open a folder first: questions are answered from its code')
    return r
  }
  const store = (): ConversationStore =>
    new ConversationStore(join(indexDirFor(root(), d.dataDir), 'conversations'))
  const ports: SourcePorts = {
    search: async (query, limit, signal) => {
      try {
        return (await d.index.search({ query, mode: 'hybrid', limit, maxPerFile: 2 }, signal)).results
      } catch (err) {
        // A folder still being indexed for the first time answers from the other sources.
        if (err instanceof HearthError && err.code === 'unavailable') return []
        throw err
      }
    },
    readFile: async (path) => {
      const guard = d.workspace.guard
      if (!guard)
        throw new HearthError('unavailable', 'open a folder first: questions are answered from its code')
      return readWorkspaceText(guard, path)
    },
  }
  const service = new ChatService({ route: d.route, sources: ports })
  return {
    'chat.ask': async ({ askId, conversationId, question, context, task }, ctx) => {
      const conversations = store()
      const conv = conversationId
        ? await conversations.get(conversationId)
        : await conversations.create(question)
      const history: ChatMessage[] = conv.turns.map((t) => ({ role: t.role, content: t.content }))
      let partial = ''
      const asked: ChatTurn = { role: 'user', content: question }
      try {
        const r = await service.ask(
          { question, context, history, task },
          (text) => {
            partial += text
            d.events.emit('chat.delta', { askId, text })
          },
          ctx.signal,
        )
        const citations = r.citations
        await conversations.append(conv.id, [
          asked,
          {
            role: 'assistant',
            content: r.answer,
            citations,
            model: r.model,
            ...(r.stopReason === 'length' ? { ended: 'length' as const } : {}),
            ...(r.droppedTurns > 0 ? { droppedTurns: r.droppedTurns } : {}),
          },
        ])
        return {
          conversationId: conv.id,
          answer: r.answer,
          citations,
          sources: r.sources.map(({ n, path, startLine, endLine, origin }) => ({
            n,
            path,
            startLine,
            endLine,
            origin,
          })),
          model: r.model,
          ms: r.ms,
          droppedTurns: r.droppedTurns,
        }
      } catch (err) {
        // Stopped by the user: the question and what arrived stay in the conversation.
        if (ctx.signal.aborted)
          await conversations.append(conv.id, [
            asked,
            { role: 'assistant', content: partial, ended: 'stopped' },
          ])
        // A new conversation whose first question got no answer at all is not kept empty.
        else if (!conversationId) await conversations.delete(conv.id)
        throw withChatSetupHint(err, CHAT_SETUP_IN_APP)
      }
    },
    'chat.symbols': async ({ prefix, limit }) => {
      root()
      return { symbols: await d.index.symbols(prefix, limit) }
    },
    'chat.list': async () => ({ conversations: await store().list() }),
    'chat.get': ({ id }) => store().get(id),
    'chat.rename': async ({ id, title }) => {
      await store().rename(id, title)
      return { ok: true }
    },
    'chat.delete': async ({ id }) => ({ ok: await store().delete(id) }),
    'edit.propose': async ({ askId, path, code, before, after, instruction }, ctx) => {
      root()
      let answer = ''
      let model: string | null = null
      const opts = {
        maxTokens: 4096,
        temperature: 0.1,
        stop: [],
        signal: ctx.signal,
        timeoutMs: 180_000,
        stallMs: 30_000,
      }
      const messages = editMessages({ path, code, before, after, instruction })
      // The rewrite gets what the model's window leaves after the prompt (at least enough for a short one).
      const promptTokens = messages.reduce((n, m) => n + estimateTokens(m.content) + 8, 0)
      const prompt = (contextTokens: number | undefined): FittedChat => ({
        messages,
        maxTokens: Math.max(256, (contextTokens ?? DEFAULT_CONTEXT_TOKENS) - promptTokens - 64),
      })
      try {
        for await (const ev of d.route.stream('chat', prompt, opts, (s) => (model = s.model))) {
          if (ev.type !== 'text') continue
          answer += ev.text
          d.events.emit('edit.delta', { askId, text: ev.text })
        }
      } catch (err) {
        throw withChatSetupHint(err, CHAT_SETUP_IN_APP)
      }
      return { rewrite: extractRewrite(answer, code), model }
    },
  }
}
