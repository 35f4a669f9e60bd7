import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/**
 * A small but realistic TypeScript project, for the e2e tests, the README screenshot and the
 * startup benchmark. Includes the awkward cases: a UTF-8-with-BOM + CRLF file, a binary file,
 * an ignored folder.
 */
export const SAMPLE_FILES: Record<string, string | Buffer> = {
  'package.json':
    JSON.stringify(
      { name: 'tiny-http', version: '1.0.0', type: 'module', scripts: { build: 'tsc', test: 'vitest run' } },
      null,
      2,
    ) + '\n',
  '.gitignore': 'node_modules\ndist\n',
  'README.md': '# tiny-http\n\nA minimal HTTP router with typed handlers.\n',
  'tsconfig.json':
    JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext' } }, null, 2) +
    '\n',
  'src/index.ts': [
    "import { createServer } from 'node:http'",
    "import { Router } from './router'",
    "import { health, listUsers } from './handlers/users'",
    '',
    'const router = new Router()',
    "router.get('/health', health)",
    "router.get('/users', listUsers)",
    '',
    'const port = Number(process.env.PORT ?? 8080)',
    'createServer((req, res) => router.handle(req, res)).listen(port, () => {',
    '  console.log(`listening on http://127.0.0.1:${port}`)',
    '})',
    '',
  ].join('\n'),
  'src/router.ts': [
    "import type { IncomingMessage, ServerResponse } from 'node:http'",
    '',
    'export type Handler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => Promise<void> | void',
    '',
    'interface Route {',
    "  method: 'GET' | 'POST'",
    '  pattern: RegExp',
    '  keys: string[]',
    '  handler: Handler',
    '}',
    '',
    '/** A tiny router: `/users/:id` style patterns, first match wins. */',
    'export class Router {',
    '  private readonly routes: Route[] = []',
    '',
    '  get(path: string, handler: Handler): this {',
    "    return this.add('GET', path, handler)",
    '  }',
    '',
    '  post(path: string, handler: Handler): this {',
    "    return this.add('POST', path, handler)",
    '  }',
    '',
    '  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {',
    "    const url = new URL(req.url ?? '/', 'http://localhost')",
    '    for (const route of this.routes) {',
    '      if (route.method !== req.method) continue',
    '      const m = route.pattern.exec(url.pathname)',
    '      if (!m) continue',
    '      const params = Object.fromEntries(route.keys.map((k, i) => [k, m[i + 1] ?? ""]))',
    '      await route.handler(req, res, params)',
    '      return',
    '    }',
    '    res.writeHead(404).end()',
    '  }',
    '',
    "  private add(method: Route['method'], path: string, handler: Handler): this {",
    '    const keys: string[] = []',
    "    const source = path.replace(/:([a-z]+)/gi, (_, k: string) => (keys.push(k), '([^/]+)'))",
    '    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler })',
    '    return this',
    '  }',
    '}',
    '',
  ].join('\n'),
  'src/handlers/users.ts': [
    "import type { Handler } from '../router'",
    '',
    "const users = [{ id: 1, name: 'Ada' }, { id: 2, name: 'Linus' }]",
    '',
    'export const health: Handler = (_req, res) => {',
    "  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')",
    '}',
    '',
    'export const listUsers: Handler = (_req, res) => {',
    "  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(users))",
    '}',
    '',
  ].join('\n'),
  'src/util/strings.ts':
    'export const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "-")\n',
  'tests/router.test.ts': [
    "import { describe, expect, it } from 'vitest'",
    "import { Router } from '../src/router'",
    '',
    "describe('Router', () => {",
    "  it('chains', () => expect(new Router().get('/', () => undefined)).toBeInstanceOf(Router))",
    '})',
    '',
  ].join('\n'),
  // UTF-8 with BOM and CRLF line ends: must stay exactly so after an edit + save.
  'docs/windows-notes.txt': Buffer.from('\uFEFFWindows notes\r\nline two\r\n', 'utf8'),
  'assets/logo.png': Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3,
  ]),
  'node_modules/left-pad/index.js': 'module.exports = (s) => s\n',
}

export async function writeSampleWorkspace(
  root: string,
  files: Record<string, string | Buffer> = SAMPLE_FILES,
): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel)
    await mkdir(dirname(abs), { recursive: true })
    await writeFile(abs, content)
  }
}
