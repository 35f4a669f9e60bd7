import { describe, expect, it } from 'vitest'
import { tempPathFor } from './atomicWrite'
import { isTempFileName, looksSecret } from './indexExclusions'

describe('isTempFileName', () => {
  it.each([
    // atomicWrite's own temp name for a target, as written
    [tempPathFor('/ws/src/app.ts').slice('/ws/'.length), true],
    ['src/app.ts~', true],
    ['src/.#app.ts', true],
    ['src/#app.ts#', true],
    ['src/.app.ts.swp', true],
    ['src/.app.ts.swo', true],
    ['src/.app.ts.swx', true],
    ['src/4913', true],
    ['src/.app.ts.kate-swp', true],
    ['src/app.ts___jb_tmp___', true],
    ['src/app.ts', false],
    ['src/4913.ts', false],
    ['src/#', false],
    ['src/swap.ts', false],
    ['src/tmp/app.ts', false],
  ])('%s → %s', (path, expected) => {
    expect(isTempFileName(path)).toBe(expected)
  })
})

describe('looksSecret', () => {
  it.each([
    ['.env', true],
    ['app/.env', true],
    ['.env.local', true],
    ['.env.production', true],
    ['.ENV', true],
    ['.env.example', false],
    ['.env.sample', false],
    ['.env.template', false],
    ['.env.local.example', false],
    ['.env.dist', false],
    ['certs/server.pem', true],
    ['certs/server.key', true],
    ['certs/store.p12', true],
    ['certs/store.pfx', true],
    ['.ssh/id_rsa', true],
    ['id_ed25519', true],
    ['id_ecdsa_work', true],
    ['id_rsa.pub', false],
    ['.npmrc', true],
    ['.pypirc', true],
    ['.netrc', true],
    ['.git-credentials', true],
    ['.aws/credentials', true],
    ['credentials.json', true],
    ['src/credentials.ts', false],
    ['src/env.ts', false],
    ['environment.ts', false],
    ['src/keys.ts', false],
    ['docs/monkey.md', false],
    ['.key', false],
    ['package.json', false],
  ])('%s → %s', (path, expected) => {
    expect(looksSecret(path)).toBe(expected)
  })
})
