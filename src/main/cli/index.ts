import { leanHeaps } from '../core/base/leanHeaps'
import { describeError } from '../core/index/store/storeErrors'
import { main } from './main'

leanHeaps()

// Entry point of the bundled out/main/cli.js (bin/hearth.js imports it).
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`hearth: ${describeError(err)}\n`)
    process.exitCode = 1
  },
)
