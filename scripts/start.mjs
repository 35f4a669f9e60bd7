// `npm start`: builds, then opens Hearth. The desktop app needs Electron's binary, which Electron's
// npm package does not install at `npm ci` time: the first start downloads it (once). Where it
// cannot be had (no network to its download host, ELECTRON_SKIP_BINARY_DOWNLOAD=1, no display),
// the same UI is served to a browser by `hearth serve`, and this says why and how to get the app.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'

function electronDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return undefined
  }
}

// Not `require('electron')`: its index downloads the binary when it is missing, noisily and
// without a timeout. path.txt is written by its installer once the binary is in dist/.
function electronBinary(dir) {
  if (!dir) return undefined
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(bin) ? bin : undefined
}

/** Runs Electron's own installer (it verifies the download against its checksums). */
function installElectron(dir) {
  console.log("Downloading Electron's binary for the desktop app (once, about 100 MB)…")
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], {
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: 10 * 60_000,
    encoding: 'utf8',
  })
  if (r.status === 0) return { ok: true }
  const lines = `${r.stderr ?? ''}${r.error ? r.error.message : ''}`.split('\n').filter((l) => l.trim())
  const reason = lines.find((l) => /Error|ENOTFOUND|EAI_AGAIN|ECONN|timed out|status/i.test(l)) ?? lines[0]
  return { ok: false, reason: (reason ?? 'the installer failed').trim().slice(0, 200) }
}

const hasDisplay = () =>
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)

const args = process.argv.slice(2)
const run = (cmd, argv) => {
  const child = spawn(cmd, argv, { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}
const serveInBrowser = (why, fix) => {
  console.log(`${why}\n${fix ? `${fix}\n` : ''}Meanwhile Hearth runs in your browser: open the URL below.`)
  run(process.execPath, ['bin/hearth.js', 'serve', ...args])
}

const dir = electronDir()
let bin = electronBinary(dir)
let failure
if (!bin && dir && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && hasDisplay()) {
  const r = installElectron(dir)
  if (r.ok) bin = electronBinary(dir)
  else failure = r.reason
}
const fix = dir
  ? `To install the desktop app: node ${join('node_modules', 'electron', 'install.js')} (needs github.com, or set ELECTRON_MIRROR to a mirror), then npm start again.`
  : undefined
if (bin && hasDisplay()) {
  run('npx', ['electron-vite', 'preview', '--', ...args])
} else if (bin) {
  serveInBrowser('No display found (DISPLAY / WAYLAND_DISPLAY unset), so the desktop window cannot open.')
} else if (!hasDisplay()) {
  serveInBrowser('No display found (DISPLAY / WAYLAND_DISPLAY unset), so the desktop window cannot open.')
} else if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  serveInBrowser("Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set).", fix)
} else {
  serveInBrowser(`Electron's binary could not be downloaded: ${failure ?? 'unknown reason'}.`, fix)
}
