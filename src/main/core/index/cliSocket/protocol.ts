import type { MethodName } from '@shared/contract'

/**
 * What a client of the index socket may call: reading the index. Nothing that writes files,
 * settings or tokens: the socket serves `hearth search`, not a second editor.
 */
export const INDEX_SOCKET_METHODS: ReadonlySet<string> = new Set<MethodName>(['search.query', 'index.status'])

/** The first line a client sends (the message `hearth serve`'s WebSocket takes first). */
export interface IndexSocketAuth {
  t: 'auth'
  token: string
}

/** A denial travels as an `err` for call id 0 (ContractClient numbers its calls from 1). */
export const DENIED_ID = 0
