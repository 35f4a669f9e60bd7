// A separate process that holds one workspace's index open, as a running Hearth does: it opens the
// real WorkspaceIndex (store workers, data-directory lock), prints "held", and closes on SIGTERM.
// Usage: node --import tsx holdIndex.ts <workspace> <index dir>
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'

const [root, dbDir] = process.argv.slice(2)
if (!root || !dbDir) throw new Error('usage: holdIndex.ts <workspace> <index dir>')
const idx = await WorkspaceIndex.open({ root, dbDir, embedder: null })
process.stdout.write('held\n')
process.once('SIGTERM', () => {
  void idx.close().then(() => process.exit(0))
})
setInterval(() => undefined, 60_000)
