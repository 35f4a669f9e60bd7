import { useCallback, useEffect, useRef, useState } from 'react'
import type { HearthApi, ResultOf } from '@shared/contract'
import type { ChatTurn, ConversationSummary, SymbolRef } from '@shared/contract/chat'
import { HearthError } from '@shared/errors'

export interface ChatContextChoice {
  codebase: boolean
  files: string[]
  symbols: SymbolRef[]
  selection?: { path: string; startLine: number; endLine: number; text: string }
}

export type Asking = { question: string; answer: string; askId: string } | undefined

let askSeq = 0

/**
 * The chat panel's state: the conversation shown, the list of past ones, the answer streaming in,
 * and Stop (cancelling the call stops the model end to end; the core keeps what arrived).
 */
export function useChat(api: HearthApi) {
  const [conversations, setConversations] = useState<ConversationSummary[]>([])
  const [current, setCurrent] = useState<{ id: string | null; title: string; turns: ChatTurn[] }>({
    id: null,
    title: 'New chat',
    turns: [],
  })
  const [asking, setAsking] = useState<Asking>()
  /** The last failure; `noModel` when no chat model could be reached at all (the panel's setup state). */
  const [error, setError] = useState<{ message: string; noModel: boolean } | undefined>()
  const abort = useRef<AbortController | undefined>(undefined)
  /** The answer streaming in now, by its ask id (read when Stop keeps it). */
  const streamed = useRef({ askId: '', text: '' })

  const refresh = useCallback(async () => {
    try {
      setConversations((await api.call('chat.list', {})).conversations)
    } catch {
      // No folder open yet: nothing to list.
      setConversations([])
    }
  }, [api])

  useEffect(() => {
    void refresh()
    return api.on('chat.delta', ({ askId, text }) => {
      if (streamed.current.askId === askId) streamed.current.text += text
      setAsking((a) => (a && a.askId === askId ? { ...a, answer: a.answer + text } : a))
    })
  }, [api, refresh])

  const open = useCallback(
    async (id: string | null) => {
      setError(undefined)
      if (id === null) return setCurrent({ id: null, title: 'New chat', turns: [] })
      try {
        const c = await api.call('chat.get', { id })
        setCurrent({ id: c.id, title: c.title, turns: c.turns })
      } catch (err) {
        setError(failure(err))
      }
    },
    [api],
  )

  const ask = useCallback(
    async (question: string, context: ChatContextChoice): Promise<boolean> => {
      if (abort.current) return false
      const askId = `ask-${Date.now()}-${++askSeq}`
      const ctl = new AbortController()
      abort.current = ctl
      setError(undefined)
      setAsking({ question, answer: '', askId })
      streamed.current = { askId, text: '' }
      let r: ResultOf<'chat.ask'> | undefined
      try {
        r = await api.call(
          'chat.ask',
          { askId, conversationId: current.id, question, context, task: 'chat' },
          { signal: ctl.signal },
        )
      } catch (err) {
        if (!ctl.signal.aborted) setError(failure(err))
      } finally {
        abort.current = undefined
        setAsking(undefined)
      }
      const partial = streamed.current.text
      if (r) {
        await open(r.conversationId)
      } else if (ctl.signal.aborted) {
        // Stopped: the core keeps the question and what arrived (after this call has returned
        // here), so show them now as it stores them.
        setCurrent((c) => ({
          ...c,
          turns: [
            ...c.turns,
            { role: 'user', content: question },
            { role: 'assistant', content: partial, ended: 'stopped' },
          ],
        }))
        if (!current.id) {
          // A new conversation stopped before its answer: it is the most recent one.
          await new Promise((done) => setTimeout(done, 300))
          const list = await api.call('chat.list', {}).catch(() => ({ conversations: [] }))
          const id = list.conversations[0]?.id
          if (id) setCurrent((c) => ({ ...c, id }))
        }
      }
      await refresh()
      return r !== undefined
    },
    [api, current.id, open, refresh],
  )

  const stop = useCallback(() => abort.current?.abort(), [])

  const rename = useCallback(
    async (title: string) => {
      if (!current.id) return
      await api.call('chat.rename', { id: current.id, title })
      setCurrent((c) => ({ ...c, title }))
      await refresh()
    },
    [api, current.id, refresh],
  )

  const remove = useCallback(async () => {
    if (!current.id) return
    await api.call('chat.delete', { id: current.id })
    setCurrent({ id: null, title: 'New chat', turns: [] })
    await refresh()
  }, [api, current.id, refresh])

  return { conversations, current, asking, error, ask, stop, open, rename, remove, setError }
}

function failure(err: unknown): { message: string; noModel: boolean } {
  return {
    message: err instanceof Error ? err.message : String(err),
    noModel: err instanceof HearthError && err.details?.noChatModel === true,
  }
}
