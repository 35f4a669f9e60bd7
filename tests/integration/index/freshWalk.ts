import { join } from 'node:path'
import { chunkFile, chunkHash } from '../../../src/main/core/index/chunker'
import { readSource } from '../../../src/main/core/index/sourceFile'
import { embedText } from '../../../src/main/core/index/store/indexDb'
import { walkWorkspace } from '../../../src/main/core/files/walkWorkspace'
import { IgnoreRules } from '../../../src/main/core/files/ignoreRules'
import { realRootSync } from '../../../src/main/core/files/openInside'

export interface ChunkKey {
  path: string
  startLine: number
  endLine: number
  hash: string
}

/** What the index must contain for `root` right now: a fresh walk, read and chunk, no database. */
export async function freshWalk(root: string): Promise<ChunkKey[]> {
  const { files } = await walkWorkspace(root, new IgnoreRules(root))
  const real = realRootSync(root)
  const out: ChunkKey[] = []
  for (const f of files) {
    const src = readSource(real, join(root, f.path), f.size)
    if (!src.ok) continue
    for (const c of chunkFile(f.path, src.text)) {
      out.push({
        path: f.path,
        startLine: c.startLine,
        endLine: c.endLine,
        hash: chunkHash(embedText(f.path, c.text)),
      })
    }
  }
  return sortKeys(out)
}

export function sortKeys(keys: ChunkKey[]): ChunkKey[] {
  const k = (c: ChunkKey): string => `${c.path}\u0000${String(c.startLine).padStart(8, '0')}\u0000${c.hash}`
  return [...keys].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0))
}

/** A few lines of plausible code, different per seed. */
export function sourceText(name: string, seed: number): string {
  const fns = Array.from(
    { length: 3 + (seed % 4) },
    (_, i) =>
      `export function ${name}Step${i}(input: number): number {\n  const scaled = input * ${seed + i}\n  return scaled + ${i}\n}\n`,
  )
  return `// ${name} v${seed}\n\n${fns.join('\n')}`
}
