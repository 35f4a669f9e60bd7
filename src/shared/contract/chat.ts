import { z } from 'zod'
import { event, method } from './define'
import { RelPath } from './workspace'

const Id = z.string().regex(/^[0-9a-f]{16}$/)

export const ChatCitation = z.object({
  n: z.number().int().positive(),
  path: RelPath,
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
})
export type ChatCitation = z.infer<typeof ChatCitation>

export const ChatSourceInfo = ChatCitation.extend({
  origin: z.enum(['file', 'symbol', 'selection', 'codebase']),
})

export const ChatTurn = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  /** Assistant turns: what the answer cites (each was sent), the model that wrote it. */
  citations: z.array(ChatCitation).optional(),
  model: z.string().nullable().optional(),
  /** The answer was stopped by the user, or cut at the token limit. */
  ended: z.enum(['stopped', 'length']).optional(),
  /** Earlier turns left out of this answer's prompt so it fit the model's context window. */
  droppedTurns: z.number().int().positive().optional(),
})
export type ChatTurn = z.infer<typeof ChatTurn>

export const ConversationSummary = z.object({
  id: Id,
  title: z.string(),
  updatedAt: z.number(),
  turns: z.number().int().nonnegative(),
})
export type ConversationSummary = z.infer<typeof ConversationSummary>

export const Conversation = z.object({
  id: Id,
  title: z.string(),
  updatedAt: z.number(),
  turns: z.array(ChatTurn),
})
export type Conversation = z.infer<typeof Conversation>

/** A declared name from the index, and the lines of the chunk that declares it. */
export const SymbolRef = z.object({
  name: z.string().min(1).max(200),
  path: RelPath,
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
})
export type SymbolRef = z.infer<typeof SymbolRef>

export const ChatContext = z.object({
  codebase: z.boolean().default(false),
  files: z.array(RelPath).max(20).default([]),
  /** `@symbol` mentions: each sent as its declaring chunk, read from the file now. */
  symbols: z.array(SymbolRef).max(20).default([]),
  selection: z
    .object({
      path: RelPath,
      startLine: z.number().int().positive(),
      endLine: z.number().int().positive(),
      text: z.string().max(200_000),
    })
    .optional(),
})

export const chatMethods = {
  /**
   * Asks a question in a conversation (a new one without `conversationId`); the answer streams as
   * `chat.delta` events with this `askId`, and the whole turn is kept once it ends. Cancelling
   * the call stops the model; what arrived is kept, marked stopped.
   */
  'chat.ask': method(
    z.object({
      askId: z.string().min(1).max(64),
      conversationId: Id.nullable().default(null),
      question: z.string().min(1).max(20_000),
      context: ChatContext.default({ codebase: false, files: [], symbols: [] }),
      task: z.enum(['chat', 'reasoning']).default('chat'),
    }),
    z.object({
      conversationId: Id,
      answer: z.string(),
      citations: z.array(ChatCitation),
      sources: z.array(ChatSourceInfo),
      model: z.string().nullable(),
      ms: z.number().nonnegative(),
      /** Earlier turns left out so the prompt fit the model's window (the panel says so). */
      droppedTurns: z.number().int().nonnegative().default(0),
    }),
  ),
  /** Declared names starting with `prefix` (or one of whose words does), for the `@` picker. */
  'chat.symbols': method(
    z.object({ prefix: z.string().min(1).max(200), limit: z.number().int().min(1).max(50).default(20) }),
    z.object({ symbols: z.array(SymbolRef) }),
  ),
  'chat.list': method(z.object({}), z.object({ conversations: z.array(ConversationSummary) })),
  'chat.get': method(z.object({ id: Id }), Conversation),
  'chat.rename': method(
    z.object({ id: Id, title: z.string().min(1).max(200) }),
    z.object({ ok: z.boolean() }),
  ),
  'chat.delete': method(z.object({ id: Id }), z.object({ ok: z.boolean() })),
  /**
   * Inline edit (Ctrl+I): the chat model's rewrite of `code` per the instruction, its answer
   * streamed as `edit.delta`. Nothing is written: the editor shows the rewrite as a diff to accept.
   */
  'edit.propose': method(
    z.object({
      askId: z.string().min(1).max(64),
      path: RelPath,
      code: z.string().max(200_000),
      before: z.string().max(20_000).default(''),
      after: z.string().max(20_000).default(''),
      instruction: z.string().min(1).max(4000),
    }),
    z.object({ rewrite: z.string(), model: z.string().nullable() }),
  ),
} as const

export const chatEvents = {
  'chat.delta': event(z.object({ askId: z.string(), text: z.string() })),
  'edit.delta': event(z.object({ askId: z.string(), text: z.string() })),
} as const
