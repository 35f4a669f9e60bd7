import { mkdtemp, rm, writeFile } from 'node:fs/promises'
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

  it('exits once idle and starts again on the next batch (an idle editor keeps no prepare thread)', async () => {
    const saved = IndexStore.prepIdleMs
    IndexStore.prepIdleMs = 300
    const root = await mkdtemp(join(tmpdir(), 'hearth-prepidle-'))
    const store = await IndexStore.open(null)
    try {
      await writeFile(join(root, 'a.ts'), 'export const a = 1\n')
      const files = [{ path: 'a.ts', size: 19, mtimeMs: Date.now() }]
      await store.call('prepareFiles', { root, files })
      expect(prepOf(store)).not.toBeNull()
      await new Promise((r) => setTimeout(r, 1000))
      expect(prepOf(store)).toBeNull()
      const again = await store.call('prepareFiles', { root, files })
      expect(again.packed).toBeInstanceOf(Uint8Array)
      expect(prepOf(store)).not.toBeNull()
    } finally {
      IndexStore.prepIdleMs = saved
      await store.close()
      await rm(root, { recursive: true, force: true })
    }
  }, 60_000)

  it('a call still in flight when the store closes fails as closed instead of waiting for ever', async () => {
    // A scan let go by the index's close can send a batch to the prepare worker just before the
    // close terminates it; the answer never comes, so the call has to fail then (it once hung an
    // index service's dispose). The close stops the prepare worker first, whatever the databases take.
    const root = await mkdtemp(join(tmpdir(), 'hearth-prepclose-'))
    try {
      const files = []
      for (let i = 0; i < 500; i++) {
        const text = `export function f${i}(a: number): number {\n  return a + ${i}\n}\n`.repeat(20)
        await writeFile(join(root, `f${i}.ts`), text)
        files.push({ path: `f${i}.ts`, size: Buffer.byteLength(text), mtimeMs: Date.now() })
      }
      const store = await IndexStore.open(join(root, '.db'))
      const inFlight = store.call('prepareFiles', { root, files }).then(
        () => 'answered',
        (err: unknown) => (err as Error).message,
      )
      await store.close()
      const late = new Promise((r) => setTimeout(() => r('still waiting after 10 s'), 10_000).unref())
      expect(await Promise.race([inFlight, late])).toBe('index store is closed')
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  }, 120_000)
})
