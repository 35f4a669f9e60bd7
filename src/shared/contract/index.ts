import type { z } from 'zod'
import type { EventSpec, MethodSpec } from './define'
import { appEvents, appMethods } from './app'
import { chatEvents, chatMethods } from './chat'
import { completionEvents, completionMethods } from './completion'
import { gitEvents, gitMethods } from './git'
import { indexesMethods } from './indexes'
import { languageMethods } from './language'
import { literalSearchEvents, literalSearchMethods } from './literalSearch'
import { metricsMethods } from './metrics'
import { modelsEvents, modelsMethods } from './models'
import { resourcesEvents, resourcesMethods } from './resources'
import { searchEvents, searchMethods } from './search'
import { sessionMethods } from './session'
import { settingsEvents, settingsMethods } from './settings'
import { terminalEvents, terminalMethods } from './terminal'
import { workspaceEvents, workspaceMethods } from './workspace'

/**
 * The one contract between renderer and core. Each domain declares its methods and events in
 * its own file; this merges them. Channel names, handler tables and preload methods are all
 * derived from these two objects — never a second hand-kept list.
 */
export const methods = {
  ...appMethods,
  ...workspaceMethods,
  ...resourcesMethods,
  ...metricsMethods,
  ...searchMethods,
  ...literalSearchMethods,
  ...completionMethods,
  ...settingsMethods,
  ...modelsMethods,
  ...indexesMethods,
  ...chatMethods,
  ...languageMethods,
  ...gitMethods,
  ...sessionMethods,
  ...terminalMethods,
} as const satisfies Record<string, MethodSpec>

export const events = {
  ...appEvents,
  ...workspaceEvents,
  ...resourcesEvents,
  ...searchEvents,
  ...literalSearchEvents,
  ...completionEvents,
  ...settingsEvents,
  ...modelsEvents,
  ...chatEvents,
  ...gitEvents,
  ...terminalEvents,
} as const satisfies Record<string, EventSpec>

export type Methods = typeof methods
export type Events = typeof events
export type MethodName = keyof Methods
export type EventName = keyof Events

/** What the caller passes (before defaults/coercion). */
export type ArgsOf<M extends MethodName> = z.input<Methods[M]['args']>
/** What the handler receives (after validation). */
export type ParsedArgsOf<M extends MethodName> = z.output<Methods[M]['args']>
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>
export type PayloadOf<E extends EventName> = z.output<Events[E]['payload']>

export const METHOD_NAMES = Object.keys(methods) as MethodName[]
export const EVENT_NAMES = Object.keys(events) as EventName[]

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name)
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)

/** Electron IPC channel names, derived from the contract. */
export const IPC = {
  call: 'hearth:call',
  cancel: 'hearth:cancel',
  event: 'hearth:event',
} as const

export interface CallOptions {
  signal?: AbortSignal
}

/** What the renderer sees, whatever the transport (Electron IPC or WebSocket). */
export interface HearthApi {
  call<M extends MethodName>(method: M, args: ArgsOf<M>, opts?: CallOptions): Promise<ResultOf<M>>
  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void
}
