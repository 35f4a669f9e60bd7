// `npm start`: builds, then opens Hearth. The desktop app needs Electron's binary; where it is
// not installed (offline build machines, `ELECTRON_SKIP_BINARY_DOWNLOAD=1`), the same UI is
// served to a browser by `hearth serve`, and this says so instead of failing.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
let electronBin
try {
  electronBin = require('electron') // the package's main export is the path to the binary
} catch {
  electronBin = undefined
}
const args = process.argv.slice(2)
if (typeof electronBin === 'string' && existsSync(electronBin)) {
  const child = spawn('npx', ['electron-vite', 'preview', '--', ...args], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  console.log('Electron binary not installed: serving Hearth to your browser instead (open the URL below).')
  const child = spawn(process.execPath, ['bin/hearth.js', 'serve', ...args], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}
