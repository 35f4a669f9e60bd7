import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, sep } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { chooseLaunch, electronDir } from '../../scripts/electronLaunch.mjs'
import { FakeElectronMirror, zipStored } from '../helpers/fakeElectronMirror'

/**
 * `npm start`'s install of Electron's binary, on the success path, without the internet: Electron's
 * own installer (a copy of the checkout's electron package in a temp dir — the checkout's is never
 * touched) downloads a small fake release zip from a local mirror (ELECTRON_MIRROR) and checks it
 * against the mirror's SHASUMS256.txt (electron_use_remote_checksums, as the package's
 * checksums.json only knows the real zips); then the same decision `npm start` makes opens the app.
 */
const realDir = electronDir()
const skip = realDir === undefined || process.platform === 'win32'
const version = realDir
  ? (JSON.parse(readFileSync(join(realDir, 'package.json'), 'utf8')) as { version: string }).version
  : ''
const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`
// Where the installer expects the executable inside the zip (its getPlatformPath).
const binPath = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron'
const fakeZip = zipStored([
  { name: binPath, data: '#!/bin/sh\necho "fake electron $*"\n', mode: 0o755 },
  { name: 'version', data: `v${version}` },
])

/** The folder of package `name` as the electron package would resolve it (node_modules upwards). */
function packageDir(name: string, from: string): string {
  for (let d = from; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(d) === d) throw new Error(`${name} is not installed`)
  }
}

/** The environment of `npm start` with the mirror set and nothing of the user's Electron settings. */
function mirrorEnv(mirror: FakeElectronMirror, cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env))
    if (!/^(npm_config_electron|npm_package_config_electron|electron_)/i.test(k)) env[k] = v
  return {
    ...env,
    ELECTRON_MIRROR: mirror.url,
    electron_use_remote_checksums: '1',
    electron_config_cache: cache,
    ELECTRON_GET_NO_PROGRESS: '1',
    DISPLAY: ':0',
  }
}

describe.skipIf(skip)("npm start installs Electron's binary from a mirror", () => {
  let tmp: string
  let pkg: string
  let mirror: FakeElectronMirror
  const files = new Map<string, Uint8Array>()
  const lines: string[] = []
  const log = (l: string): void => void lines.push(l)
  const realPathTxt = (): boolean => existsSync(join(realDir ?? '', 'path.txt'))
  const realHadBinary = realPathTxt()

  beforeAll(async () => {
    mirror = await new FakeElectronMirror(files).start()
  })

  afterAll(async () => {
    await mirror.close()
  })

  beforeEach(async () => {
    if (!realDir) return
    tmp = await mkdtemp(join(tmpdir(), 'hearth-electron-install-'))
    pkg = join(tmp, 'node_modules', 'electron')
    // The package's own files; its dependencies are linked from the checkout.
    await cp(realDir, pkg, {
      recursive: true,
      filter: (src) => {
        const rel = src.slice(realDir.length + 1)
        return !/^(node_modules|dist|path\.txt)(\/|$)/.test(rel.split(sep).join('/'))
      },
    })
    for (const dep of ['@electron/get', '@electron-internal/extract-zip']) {
      const link = join(tmp, 'node_modules', dep)
      await mkdir(dirname(link), { recursive: true })
      await symlink(packageDir(dep, realDir), link, 'dir')
    }
    files.clear()
    files.set(`/v${version}/${zipName}`, fakeZip)
    files.set(
      `/v${version}/SHASUMS256.txt`,
      Buffer.from(`${FakeElectronMirror.sha256(fakeZip)} *${zipName}\n`),
    )
    mirror.requests.length = 0
    lines.length = 0
  })

  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true })
    // The checkout's electron package is left as it was.
    expect(realPathTxt()).toBe(realHadBinary)
  })

  it('downloads the binary, verified against the mirror SHASUMS256.txt, then opens the desktop app', async () => {
    const env = mirrorEnv(mirror, join(tmp, 'cache'))
    const choice = await chooseLaunch({ dir: pkg, env, platform: process.platform, log })
    const bin = join(pkg, 'dist', binPath)
    expect(choice).toEqual({ app: 'electron', bin })
    expect(lines.join('\n')).toMatch(/Downloading Electron's binary/)
    expect(mirror.requests).toEqual(
      expect.arrayContaining([`/v${version}/${zipName}`, `/v${version}/SHASUMS256.txt`]),
    )
    expect(statSync(bin).mode & 0o111).not.toBe(0)
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe('fake electron --version')

    // The next start finds it installed: no download, straight to the app.
    const asked = mirror.requests.length
    lines.length = 0
    expect(await chooseLaunch({ dir: pkg, env, platform: process.platform, log })).toEqual({
      app: 'electron',
      bin,
    })
    expect(mirror.requests.length).toBe(asked)
    expect(lines).toEqual([])
  })

  it('refuses a zip that does not match its checksum and falls back to the browser with the fix', async () => {
    files.set(`/v${version}/SHASUMS256.txt`, Buffer.from(`${'0'.repeat(64)} *${zipName}\n`))
    const choice = await chooseLaunch({ dir: pkg, env: mirrorEnv(mirror, join(tmp, 'cache')), log })
    expect(choice.app).toBe('browser')
    if (choice.app !== 'browser') return
    expect(choice.why).toMatch(/^Electron's binary could not be downloaded: .*checksum/i)
    expect(choice.fix).toMatch(/node node_modules.electron.install\.js .*ELECTRON_MIRROR/)
    expect(existsSync(join(pkg, 'dist', binPath))).toBe(false)
    expect(existsSync(join(pkg, 'path.txt'))).toBe(false)
  })

  it('falls back to the browser when the mirror does not have the release', async () => {
    files.delete(`/v${version}/${zipName}`)
    const choice = await chooseLaunch({ dir: pkg, env: mirrorEnv(mirror, join(tmp, 'cache')), log })
    expect(choice.app).toBe('browser')
    if (choice.app !== 'browser') return
    expect(choice.why).toMatch(/could not be downloaded: .*404/)
    expect(choice.why.length).toBeLessThan(320)
  })

  it('does not try to download without a display', async () => {
    const env = { ...mirrorEnv(mirror, join(tmp, 'cache')), DISPLAY: '', WAYLAND_DISPLAY: '' }
    const choice = await chooseLaunch({ dir: pkg, env, platform: 'linux', log })
    expect(choice.app).toBe('browser')
    expect(choice.app === 'browser' && choice.why).toMatch(/No display found/)
    expect(mirror.requests).toEqual([])
  })
})
