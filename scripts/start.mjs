// `npm start`: builds, then opens Hearth. The desktop app needs Electron's binary; where it is
// not installed (offline build machines, `ELECTRON_SKIP_BINARY_DOWNLOAD=1`), the same UI is
// served to a browser by `hearth serve`, and this says so instead of failing.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'

// Not `require('electron')`: Electron's index downloads the binary when it is missing, which
// fails (noisily) offline. path.txt is written by its installer once the binary is in dist/.
function electronBinary() {
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const pathFile = join(pkgDir, 'path.txt')
    if (!existsSync(pathFile)) return undefined
    const bin = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(bin) ? bin : undefined
  } catch {
    return undefined
  }
}

const args = process.argv.slice(2)
const run = (cmd, argv) => {
  const child = spawn(cmd, argv, { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}
if (electronBinary()) {
  run('npx', ['electron-vite', 'preview', '--', ...args])
} else {
  console.log('Electron binary not installed: serving Hearth to your browser instead (open the URL below).')
  run(process.execPath, ['bin/hearth.js', 'serve', ...args])
}
