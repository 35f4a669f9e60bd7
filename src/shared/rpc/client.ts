import { events, methods } from '../contract'
import { TableClient, type Wire } from './tableClient'

export type { Wire } from './tableClient'

/** The client of the whole contract: the renderer's, and the tests'. */
export class ContractClient extends TableClient {
  constructor(wire: Wire) {
    super(wire, { methods, events })
  }
}
