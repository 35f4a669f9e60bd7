import { createReadStream, existsSync, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CSP } from '@shared/csp'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
}

/**
 * The built renderer: out/renderer next to out/main (where this module is bundled). From
 * source (tests run through tsx) walk up to the project's out/renderer.
 */
export function defaultRendererDir(): string {
  const bundled = fileURLToPath(new URL('../renderer', import.meta.url))
  if (existsSync(join(bundled, 'index.html'))) return bundled
  return fileURLToPath(new URL('../../../out/renderer', import.meta.url))
}

export function serveStatic(root: string, urlPath: string, res: ServerResponse): void {
  let rel: string
  try {
    rel = decodeURIComponent(urlPath)
  } catch {
    return send(res, 400, 'bad path')
  }
  if (rel.includes('\0')) return send(res, 400, 'bad path')
  if (rel === '/' || rel === '') rel = '/index.html'
  const file = normalize(join(root, rel))
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep))
    return send(res, 403, 'forbidden')
  let size: number
  try {
    const st = statSync(file)
    if (!st.isFile()) return send(res, 404, 'not found')
    size = st.size
  } catch {
    if (rel === '/index.html') return send(res, 503, 'The renderer is not built: run `npm run build` first.')
    return send(res, 404, 'not found')
  }
  const ext = extname(file)
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-length': size,
    // Vite hashes asset names: cache them for good; always revalidate the page itself.
    'cache-control': rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...securityHeaders(),
  })
  createReadStream(file).pipe(res)
}

export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'x-frame-options': 'DENY',
  }
}

export function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders() })
  res.end(text + '\n')
}
