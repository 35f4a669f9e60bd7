import { failureReason, HearthError } from '@shared/errors'

/** Failures that mean no chat model could be reached at all, rather than one that failed mid-answer. */
const NOTHING_ANSWERED = new Set(['model_missing', 'refused', 'dns', 'no_backend'])

/**
 * A question no backend could take says what each one said and then the one next step: set up a
 * chat model. (Chat is not set up on a fresh install; a user asking must learn how, not only
 * that a file is missing.)
 */
export function withChatSetupHint(err: unknown, how: string): unknown {
  if (!(err instanceof HearthError) || !NOTHING_ANSWERED.has(failureReason(err) ?? '')) return err
  return new HearthError(
    err.code,
    `no chat model answered (${err.message}). ${how}, or start Ollama, or add a server of your own (Settings ▸ Endpoints)`,
    // The panel shows a short "No chat model yet" with a way to set one up, this sentence folded away.
    { ...err.details, noChatModel: true },
  )
}

export const CHAT_SETUP_IN_APP = 'Set one up in Settings ▸ Models ("Use for chat" on an Instruct model)'
export const CHAT_SETUP_IN_CLI = 'Set one up with `hearth models pull qwen2.5-coder-1.5b-instruct --use`'
