import { describe, expect, it } from 'vitest'
import docsText from '../../../../docs/KEYBOARD.md?raw'
import { keyboardTable, normalizeRow, tableInDocs, withTable } from './keyboardDocs'
import { allCommands } from './registry'

interface NodeFs {
  writeFileSync(path: URL, text: string): void
}
interface Prettier {
  format(text: string, opts: { parser: string; printWidth: number }): Promise<string>
}
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
// The renderer's tsconfig has no Node types: the update path loads its modules by name.
const load = <T>(name: string): Promise<T> => import(/* @vite-ignore */ name) as Promise<T>

/**
 * docs/KEYBOARD.md lists every command and its default keys, generated from the registry (every
 * feature's commands included), so the docs cannot drift from the keys. To regenerate it:
 * `UPDATE_KEYBOARD_DOCS=1 npx vitest run src/renderer/src/commands/keyboardDocs.test.ts`.
 */
describe('docs/KEYBOARD.md', () => {
  it('lists every command with its keys, as the registry declares them', async () => {
    const table = keyboardTable(allCommands())
    let docs = docsText
    if (env.UPDATE_KEYBOARD_DOCS === '1') {
      const prettier = await load<Prettier>('prettier')
      docs = await prettier.format(withTable(docs, table), { parser: 'markdown', printWidth: 110 })
      const fs = await load<NodeFs>('node:fs')
      fs.writeFileSync(new URL('../../../../docs/KEYBOARD.md', import.meta.url), docs)
    }
    const inDocs = tableInDocs(docs)
    expect(inDocs, 'the <!-- commands:start --> … <!-- commands:end --> markers').toBeDefined()
    const want = table.map(normalizeRow)
    const have = new Set(inDocs)
    const missing = table.filter((_, i) => !have.has(want[i] as string))
    const stale = (inDocs ?? []).filter((r) => !want.includes(r))
    expect(
      { missing, stale },
      'docs/KEYBOARD.md is out of date: run UPDATE_KEYBOARD_DOCS=1 npx vitest run src/renderer/src/commands/keyboardDocs.test.ts',
    ).toEqual({ missing: [], stale: [] })
  })
})
