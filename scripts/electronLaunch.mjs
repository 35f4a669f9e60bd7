// What `npm start` opens: the desktop app where Electron's binary is installed or can be had, the
// browser otherwise. Electron's npm package does not install its binary at `npm ci` time: the first
// start runs the package's own installer (once), which downloads it (from GitHub, or the mirror in
// ELECTRON_MIRROR) and checks it against the package's checksums. Where it cannot be had (no
// network to the download host, ELECTRON_SKIP_BINARY_DOWNLOAD=1, no display), the same UI is served
// to a browser by `hearth serve`, with the command that installs the app.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** The installed `electron` package's folder, or undefined when it is not installed. */
export function electronDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return undefined
  }
}

/**
 * The binary in the electron package at `dir`, if its installer put it there. Not
 * `require('electron')`: its index downloads the binary when it is missing, noisily and without a
 * timeout. path.txt is written by the installer once the binary is in dist/.
 */
export function electronBinary(dir) {
  if (!dir) return undefined
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(bin) ? bin : undefined
}

/** Runs the package's own installer at `dir` (it verifies the download against its checksums). */
export function installElectron(dir, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, 'install.js')], {
      env,
      stdio: ['ignore', 'inherit', 'pipe'],
      timeout: 10 * 60_000,
    })
    let stderr = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (d) => {
      if (stderr.length < 64 * 1024) stderr += d
    })
    const done = (ok, extra = '') => {
      if (ok) return resolve({ ok: true })
      const lines = `${stderr}${extra}`.split('\n').filter((l) => l.trim())
      const reason =
        lines.find((l) => /Error|ENOTFOUND|EAI_AGAIN|ECONN|timed out|status/i.test(l)) ?? lines[0]
      // "Error: …" and a closing full stop are the installer's, not ours to show.
      const text = (reason ?? 'the installer failed')
        .trim()
        .replace(/^\w*Error:\s*/, '')
        .replace(/\.+$/, '')
      resolve({ ok: false, reason: text.slice(0, 200) })
    }
    child.on('error', (err) => done(false, err.message))
    child.on('close', (code, signal) =>
      done(code === 0, signal ? `the installer was stopped (${signal}, timed out?)` : ''),
    )
  })
}

export const hasDisplay = (env = process.env, platform = process.platform) =>
  platform !== 'linux' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)

const NO_DISPLAY = 'No display found (DISPLAY / WAYLAND_DISPLAY unset), so the desktop window cannot open.'

/**
 * Decides what `npm start` opens, installing Electron's binary first when it is missing and may be
 * had: `{ app: 'electron', bin }`, or `{ app: 'browser', why, fix? }` with what to tell the user.
 */
export async function chooseLaunch({
  dir = electronDir(),
  env = process.env,
  platform = process.platform,
  log = console.log,
} = {}) {
  const display = hasDisplay(env, platform)
  let bin = electronBinary(dir)
  let failure
  if (!bin && dir && !env.ELECTRON_SKIP_BINARY_DOWNLOAD && display) {
    log("Downloading Electron's binary for the desktop app (once, about 100 MB)…")
    const r = await installElectron(dir, env)
    bin = electronBinary(dir)
    if (!r.ok) failure = r.reason
    else if (!bin) failure = 'the installer finished but left no binary'
  }
  if (!display) return { app: 'browser', why: NO_DISPLAY }
  if (bin) return { app: 'electron', bin }
  if (!dir) return { app: 'browser', why: 'The electron package is not installed (run npm ci).' }
  const fix = `To install the desktop app: node ${join('node_modules', 'electron', 'install.js')} (needs github.com, or set ELECTRON_MIRROR to a mirror), then npm start again.`
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD)
    return {
      app: 'browser',
      why: "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set).",
      fix,
    }
  return {
    app: 'browser',
    why: `Electron's binary could not be downloaded: ${failure ?? 'unknown reason'}.`,
    fix,
  }
}
