import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { IndexStore } from '../../../src/main/core/index/store/indexStore'

// A new index is about to be filled, so its prepare worker starts while the databases open; an
// existing one starts it on the first file that changed. (White box: which workers are running.)
const prepOf = (s: IndexStore): unknown => (s as unknown as { prep: unknown }).prep

describe('the prepare worker starts with a new index (real workers)', () => {
  let dir: string
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('is running after opening a new index, not after reopening it; it still starts on demand', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-prepstart-'))
    const fresh = await IndexStore.open(dir)
    try {
      expect(prepOf(fresh)).not.toBeNull()
    } finally {
      await fresh.close()
    }
    const again = await IndexStore.open(dir)
    try {
      expect(prepOf(again)).toBeNull()
      const packed = await again.call('prepareFiles', { root: dir, files: [] })
      expect(packed.packed).toBeInstanceOf(Uint8Array)
      expect(prepOf(again)).not.toBeNull()
    } finally {
      await again.close()
    }
  }, 60_000)
})
