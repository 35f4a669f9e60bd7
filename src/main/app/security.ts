import { app, session, shell, type WebContents, type WebFrameMain } from 'electron'
import { CSP } from '@shared/csp'

/** The renderer's own origin: the dev server in `electron-vite dev`, else the packaged file. */
export function isTrustedUrl(raw: string | undefined): boolean {
  if (!raw) return false
  const dev = process.env.ELECTRON_RENDERER_URL
  if (dev && raw.startsWith(dev)) return true
  try {
    const u = new URL(raw)
    return u.protocol === 'file:' && u.pathname.endsWith('/renderer/index.html')
  } catch {
    return false
  }
}

/** IPC is only answered for our main frame showing our own page — not iframes, not other origins. */
export function isTrustedSender(frame: WebFrameMain | null | undefined): boolean {
  return !!frame && frame.parent === null && isTrustedUrl(frame.url)
}

/** Applies the app-wide hardening once, before any window exists. */
export function hardenApp(): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    // No navigation away from our page, no new windows; https links go to the system browser.
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedUrl(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })
  app.whenReady().then(
    () => {
      const ses = session.defaultSession
      // Nothing remote: block every request that is not our own files or the dev server.
      ses.webRequest.onBeforeRequest((details, cb) => {
        const u = details.url
        const ok =
          u.startsWith('file:') ||
          u.startsWith('devtools:') ||
          u.startsWith('data:') ||
          u.startsWith('blob:') ||
          (process.env.ELECTRON_RENDERER_URL !== undefined &&
            u.startsWith(process.env.ELECTRON_RENDERER_URL)) ||
          (process.env.ELECTRON_RENDERER_URL !== undefined && u.startsWith('ws://localhost'))
        cb({ cancel: !ok })
      })
      ses.webRequest.onHeadersReceived((details, cb) => {
        cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
      })
      ses.setPermissionRequestHandler((_wc, _permission, cb) => cb(false))
    },
    () => undefined,
  )
}
