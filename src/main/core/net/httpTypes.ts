import type { IncomingHttpHeaders } from 'node:http'
import type { ConnectionPolicy } from './connectionPolicy'

export interface HttpRequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  signal?: AbortSignal
  /** Longest wait from sending the request to the response headers (connect + server think time). */
  responseTimeoutMs?: number
  /** Longest wait for the next body chunk once the headers arrived (a stalled stream). */
  idleTimeoutMs?: number
  /** Whole request, headers and body, must finish within this. */
  timeoutMs?: number
  /** Names the peer in error messages, e.g. "ollama at http://127.0.0.1:11434". */
  label?: string
}

export interface HttpResponse {
  readonly status: number
  readonly statusText: string
  readonly headers: IncomingHttpHeaders
  /** The body with the idle/overall deadlines applied; iterate once. Breaking out frees the socket. */
  readonly body: AsyncIterable<Uint8Array>
  text(maxBytes?: number): Promise<string>
  json(maxBytes?: number): Promise<unknown>
  /** Drops the rest of the body (keeps nothing, frees the socket). */
  discard(): void
}

export interface ConnectInfo {
  host: string
  port: number
  remoteAddress: string | undefined
}

export interface HttpClientOptions {
  policy?: ConnectionPolicy
  /** Idle keep-alive sockets per origin. */
  maxSockets?: number
}
