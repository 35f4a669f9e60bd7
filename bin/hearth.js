#!/usr/bin/env node
// The `hearth` command. The CLI is bundled by `npm run build` into out/main/cli.js together
// with the rest of the main process, so the CLI, the server and the app run the same code.
import { existsSync } from 'node:fs'
import module from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (!existsSync(cli)) {
  process.stderr.write('hearth: not built yet — run `npm run build` in the project folder first.\n')
  process.exit(1)
}
// Node 22.1+ keeps the compiled code of the modules below on disk, so a short command (`hearth
// search` answered by a running Hearth) does not compile the same bundle on every start. Older
// Node has no such cache and simply compiles.
module.enableCompileCache?.()
await import(pathToFileURL(cli).href)
