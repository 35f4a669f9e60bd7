import { describe, expect, it } from 'vitest'
import { isHearthPrivate, publicEnv } from './childEnv'

describe('childEnv', () => {
  it("drops Hearth's secrets and Electron's and Node's switches, keeps the rest", () => {
    for (const n of [
      'HEARTH_TOKEN_OLLAMA',
      'hearth_token_vllm',
      'HEARTH_SERVE_TOKEN',
      'HEARTH_OPENAI_API_KEY',
      'HEARTH_DB_PASSWORD',
      'HEARTH_CLIENT_SECRET',
      'ELECTRON_RUN_AS_NODE',
      'ELECTRON_NO_ATTACH_CONSOLE',
      'NODE_CHANNEL_FD',
      'NODE_CHANNEL_SERIALIZATION_MODE',
    ])
      expect(isHearthPrivate(n), n).toBe(true)
    for (const n of ['PATH', 'HOME', 'HEARTH_DATA_DIR', 'GITHUB_TOKEN', 'NODE_OPTIONS'])
      expect(isHearthPrivate(n), n).toBe(false)
    expect(publicEnv({ PATH: '/bin', HEARTH_TOKEN_X: 'x', UNSET: undefined })).toEqual({ PATH: '/bin' })
  })
})
