import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A GGUF of the shared test models. They live beside the checkout (`../shared/models`); a clone
 * made elsewhere (CI's fresh clone) finds them at the workplace's fixed place, as the engine tests
 * always have.
 */
export function testModel(name: string): string {
  const beside = join(import.meta.dirname, '..', '..', '..', 'shared', 'models', name)
  return existsSync(beside) ? beside : join('/work/shared/models', name)
}
