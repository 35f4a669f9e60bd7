import { app, safeStorage, shell } from 'electron'
import { leanHeaps } from './core/base/leanHeaps'
import { Core } from './core/createCore'
import { buildAppMenu } from './app/appMenu'
import { registerIpc } from './app/ipcBridge'
import { createMainWindow } from './app/mainWindow'
import { PowerMonitorSource } from './app/powerMonitorSource'
import { createAppSecretStore } from './app/safeStorageEncryptor'
import { hardenApp } from './app/security'

// Electron entry: the composition root of the desktop app. All real work is in the plain-Node
// core; this file only adds windows, menus, the IPC transport and OS integrations.
leanHeaps()
hardenApp()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let core: Core | undefined
  let disposeIpc: (() => void) | undefined

  app
    .whenReady()
    .then(async () => {
      core = await Core.create({
        dataDir: app.getPath('userData'),
        workspace: process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-')),
        openExternal: (url) => shell.openExternal(url),
        power: new PowerMonitorSource(),
        // Tokens: OS keyring via safeStorage; memory only (with a warning) where there is none.
        secrets: createAppSecretStore(app.getPath('userData'), safeStorage, (m) =>
          console.warn(`hearth: ${m}`),
        ),
      })
      disposeIpc = registerIpc(core)
      await buildAppMenu(core)
      // Open Recent lists the folder just opened, whoever opened it.
      const c = core
      c.events.subscribe((event) => {
        if (event === 'workspace.opened') void buildAppMenu(c)
      })
      createMainWindow()
    })
    .catch((err: unknown) => {
      console.error('Hearth failed to start:', err)
      app.exit(1)
    })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  let disposed = false
  app.on('will-quit', (e) => {
    if (disposed || !core) return
    // Dispose the core (index lock, workers, model) before the process exits.
    e.preventDefault()
    disposed = true
    disposeIpc?.()
    void core.dispose().finally(() => app.quit())
  })
}
