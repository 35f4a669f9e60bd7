/**
 * The local Hugging Face mirror of bench:first-run in its own process, so the server's writes do
 * not share an event loop with the download being measured (curl, the peer, runs in its own
 * process too). Serves a random file of `--mb` MB as bench/big-GGUF/big.gguf; prints its URL.
 * `--link-mbit N` paces each response to at most N Mbit/s (writes of 256 KB, each followed by the
 * wait that keeps the average at the rate): a stand-in for a real link, not a shaped one.
 */
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { FakeHub } from '../tests/helpers/fakeHub'

const { values } = parseArgs({ options: { mb: { type: 'string' }, 'link-mbit': { type: 'string' } } })
const bytes = randomBytes(Number(values.mb ?? 256) * 1024 * 1024)
const hub = await new FakeHub([{ repo: 'bench/big-GGUF', file: 'big.gguf', bytes }]).start()
if (values['link-mbit']) {
  const chunk = 256 * 1024
  hub.throttle = { chunk, delayMs: (chunk * 8) / (Number(values['link-mbit']) * 1000) }
}
// The hub's hashes of the file (ETag, X-Linked-Etag) are computed once, here, not in the first run.
const warm = await fetch(`${hub.url}/bench/big-GGUF/resolve/main/big.gguf`, {
  headers: { range: `bytes=${bytes.length - 1}-` },
})
await warm.arrayBuffer()
process.stdout.write(`${hub.url}\n`)
process.on('SIGTERM', () => void hub.close().then(() => process.exit(0)))
