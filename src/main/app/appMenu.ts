import { BrowserWindow, Menu, dialog, type MenuItemConstructorOptions } from 'electron'
import type { Core } from '../core/createCore'

/**
 * File / Edit / View with a recent-folders list. Opening a folder goes through the same
 * workspace service the renderer uses; the renderer hears about it via `workspace.opened`.
 */
export async function buildAppMenu(core: Core): Promise<void> {
  const recent = await core.workspace.recent()
  // The renderer holds the unsaved buffers: it opens the folder itself, after warning about them.
  const openFolder = (dir: string): void => core.events.emit('app.openFolderRequested', { root: dir })
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
            void pick.then((r) => {
              if (!r.canceled && r.filePaths[0]) openFolder(r.filePaths[0])
            })
          },
        },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((dir) => ({ label: dir, click: () => openFolder(dir) }))
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
