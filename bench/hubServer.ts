/**
 * The local Hugging Face mirror of bench:first-run in its own process, so the server's writes do
 * not share an event loop with the download being measured (curl, the peer, runs in its own
 * process too). Serves a random file of `--mb` MB as bench/big-GGUF/big.gguf; prints its URL.
 */
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { FakeHub } from '../tests/helpers/fakeHub'

const { values } = parseArgs({ options: { mb: { type: 'string' } } })
const bytes = randomBytes(Number(values.mb ?? 256) * 1024 * 1024)
const hub = await new FakeHub([{ repo: 'bench/big-GGUF', file: 'big.gguf', bytes }]).start()
// The hub's hashes of the file (ETag, X-Linked-Etag) are computed once, here, not in the first run.
const warm = await fetch(`${hub.url}/bench/big-GGUF/resolve/main/big.gguf`, {
  headers: { range: `bytes=${bytes.length - 1}-` },
})
await warm.arrayBuffer()
process.stdout.write(`${hub.url}\n`)
process.on('SIGTERM', () => void hub.close().then(() => process.exit(0)))
