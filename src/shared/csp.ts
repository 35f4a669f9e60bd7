/**
 * The one Content-Security-Policy for the renderer, whether Electron shows it or `hearth serve`
 * sends it to a browser: nothing remote, no inline scripts, no framing.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Monaco positions widgets with inline styles.
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ')
