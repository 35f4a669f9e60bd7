/**
 * The MiniSearch peer exactly as the shared kit's peer-minisearch.mjs runs it (BM25 over whole
 * files, default tokenizer and identifiers split), over any benchmark set's workspace.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { relative, join, sep } from 'node:path'

export interface Item {
  query: string
  target: string
}
export type Scored = { n: number; mrr10: number; recall1: number; recall10: number }
export type MiniSearchCtor = {
  new (o: object): { addAll(d: object[]): void; search(q: string, o: object): { id: string }[] }
  getDefault(k: string): (s: string) => string[]
}

export function runPeer(
  MiniSearch: MiniSearchCtor,
  ws: string,
  items: Item[],
  score: (items: Item[], ranked: string[][]) => Scored,
): Record<string, unknown> {
  const docs: { id: string; text: string }[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else docs.push({ id: relative(ws, p).split(sep).join('/'), text: readFileSync(p, 'utf8') })
    }
  }
  walk(ws)
  const split = (s: string): string =>
    s
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .replace(/[_$]/g, ' ')
  const peers: Record<string, unknown> = {}
  for (const [name, opts] of Object.entries({
    default: {},
    identifiers: { tokenize: (s: string) => MiniSearch.getDefault('tokenize')(split(s)) },
  })) {
    const ms = new MiniSearch({ fields: ['text', 'id'], storeFields: [], ...opts })
    ms.addAll(docs)
    const t0 = performance.now()
    const ranked = items.map((it) =>
      ms
        .search(it.query, { fuzzy: false })
        .slice(0, 10)
        .map((r) => r.id),
    )
    peers[name] = {
      ...score(items, ranked),
      msPerQuery: +((performance.now() - t0) / items.length).toFixed(2),
    }
  }
  return peers
}
