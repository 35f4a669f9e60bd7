import { BrowserWindow, Menu, dialog, type MenuItemConstructorOptions } from 'electron'
import type { Core } from '../core/createCore'

/**
 * File / Edit / View with a recent-folders list. Opening a folder goes through the same
 * workspace service the renderer uses; the renderer hears about it via `workspace.opened`.
 */
export async function buildAppMenu(core: Core): Promise<void> {
  const recent = await core.workspace.recent()
  const openFolder = async (dir: string): Promise<void> => {
    try {
      await core.workspace.open(dir)
    } catch (err) {
      dialog.showErrorBox('Cannot open folder', (err as Error).message)
    }
    await buildAppMenu(core)
  }
  const isMac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Folder…',
          accelerator: 'CmdOrCtrl+K CmdOrCtrl+O',
          click: () => {
            const win = BrowserWindow.getFocusedWindow()
            const pick = win
              ? dialog.showOpenDialog(win, { properties: ['openDirectory'] })
              : dialog.showOpenDialog({ properties: ['openDirectory'] })
            void pick.then((r) => (r.canceled || !r.filePaths[0] ? undefined : openFolder(r.filePaths[0])))
          },
        },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((dir) => ({ label: dir, click: () => void openFolder(dir) }))
            : [{ label: 'No recent folders', enabled: false }],
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
