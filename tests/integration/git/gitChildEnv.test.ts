import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { GitService } from '../../../src/main/core/git/gitService'
import { makeRepo, removeDir } from './gitRepoHelpers'

/**
 * What the user clicks runs the repository's own programs (hooks, filters): a cloned repository's
 * pre-commit hook must not read the tokens Hearth keeps for its model servers.
 */
describe("git's children and Hearth's secrets", () => {
  const saved = new Map<string, string | undefined>()
  const dirs: string[] = []
  function setEnv(name: string, value: string): void {
    if (!saved.has(name)) saved.set(name, process.env[name])
    process.env[name] = value
  }
  afterEach(async () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    saved.clear()
    for (const d of dirs.splice(0)) await removeDir(d)
  })

  it('a commit hook sees the user’s variables but no HEARTH_TOKEN_*, other Hearth secrets or Electron’s switches', async () => {
    const root = await makeRepo({ 'a.txt': 'a\n' })
    dirs.push(root)
    const seen = join(root, '.git/hook-env')
    const hook = join(root, '.git/hooks/pre-commit')
    await writeFile(hook, `#!/bin/sh\nenv > '${seen}'\n`)
    await chmod(hook, 0o755)
    setEnv('HEARTH_TOKEN_OLLAMA', 'secret-ollama')
    setEnv('HEARTH_SERVE_TOKEN', 'secret-serve')
    setEnv('HEARTH_OPENAI_API_KEY', 'secret-key')
    setEnv('ELECTRON_RUN_AS_NODE', '1')
    setEnv('HEARTH_TEST_PLAIN', 'kept')

    const svc = new GitService({ emit: () => undefined })
    svc.open(root, null)
    try {
      await writeFile(join(root, 'a.txt'), 'b\n')
      await svc.commit('change', true)
    } finally {
      svc.dispose()
    }
    const names = (await readFile(seen, 'utf8')).split('\n').map((l) => l.split('=')[0])
    expect(names.filter((n) => n !== undefined && saved.has(n))).toEqual(['HEARTH_TEST_PLAIN'])
  })
})
