import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ollama } from 'ollama'
import { HearthError } from '@shared/errors'
import {
  allowAllPolicy,
  loopbackOnlyPolicy,
  type ConnectionPolicy,
} from '../../../src/main/core/net/connectionPolicy'
import { HttpClient, failureReason, setProcessConnectionPolicy } from '../../../src/main/core/net/httpClient'
import { FakeOllama } from '../../helpers/fakeOllama'

describe('HttpClient', () => {
  let server: FakeOllama
  beforeAll(async () => {
    server = await new FakeOllama().start()
  })
  afterAll(async () => {
    await server.close()
  })

  it('loopback-only: a non-loopback address is refused before any socket is opened', async () => {
    const http = new HttpClient({ policy: loopbackOnlyPolicy })
    const opened: string[] = []
    http.onConnect((i) => opened.push(i.host))
    await expect(http.request('http://10.255.255.1:11434/api/version')).rejects.toMatchObject({
      code: 'forbidden',
      details: { reason: 'policy' },
    })
    const ok = await http.request(`${server.url}/api/version`)
    expect(await ok.json()).toEqual({ version: '0.12.0' })
    expect(opened).toEqual(['127.0.0.1'])
    expect(http.connectionCount).toBe(1)
    http.dispose()
  })

  it('loopback-only: a host name is refused unresolved, localhost names are answered by the policy', async () => {
    const http = new HttpClient({ policy: loopbackOnlyPolicy })
    const port = new URL(server.url).port
    await expect(http.request(`http://dgx.invalid:${port}/api/version`)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/dgx\.invalid .*not resolved/) as unknown,
    })
    expect(http.connectionCount).toBe(0)
    for (const host of ['localhost', 'ollama.localhost']) {
      const res = await http.request(`http://${host}:${port}/api/version`)
      expect(await res.json()).toEqual({ version: '0.12.0' })
    }
    http.dispose()
    // The process-wide rule answers too, under a client that allows everything.
    const stray = new HttpClient()
    setProcessConnectionPolicy(loopbackOnlyPolicy)
    try {
      expect((await stray.request(`http://ollama.localhost:${port}/api/version`)).status).toBe(200)
      await expect(stray.request(`http://dgx.invalid:${port}/`)).rejects.toMatchObject({ code: 'forbidden' })
    } finally {
      setProcessConnectionPolicy(allowAllPolicy)
      stray.dispose()
    }
  })

  it('the policy also judges resolved addresses (a name resolving elsewhere is refused)', async () => {
    const onlyOther: ConnectionPolicy = {
      name: 'test',
      checkUrl: () => undefined,
      checkAddress: (host, address) => {
        throw new HearthError('forbidden', `refused ${host} → ${address}`, { reason: 'policy' })
      },
    }
    const http = new HttpClient({ policy: onlyOther })
    const port = new URL(server.url).port
    await expect(http.request(`http://localhost:${port}/api/version`)).rejects.toMatchObject({
      code: 'forbidden',
    })
    expect(http.connectionCount).toBe(0)
    http.setPolicy(allowAllPolicy)
    expect((await http.request(`http://localhost:${port}/api/version`)).status).toBe(200)
    http.dispose()
  })

  it('fetchWith: a library (the ollama package) gets the deadlines, and our errors come through it', async () => {
    const http = new HttpClient()
    server.fault = { kind: 'stall', afterChunks: 2 }
    const client = new Ollama({
      host: server.url,
      fetch: http.fetchWith({ idleTimeoutMs: 200, label: 'ollama' }),
    })
    const it = await client.generate({ model: 'qwen2.5-coder:1.5b', prompt: 'x', stream: true })
    const seen: string[] = []
    try {
      for await (const part of it) seen.push(part.response ?? '')
      throw new Error('expected a stall')
    } catch (err) {
      expect(err).toBeInstanceOf(HearthError)
      expect(failureReason(err)).toBe('stalled')
    }
    expect(seen.length).toBe(2)
    server.fault = undefined
    http.dispose()
  })

  it('keeps connections alive across requests and closes them on setPolicy', async () => {
    const http = new HttpClient()
    const before = server.connections
    for (let i = 0; i < 4; i++) await (await http.request(`${server.url}/api/version`)).json()
    expect(server.connections - before).toBe(1)
    http.setPolicy(allowAllPolicy)
    await (await http.request(`${server.url}/api/version`)).json()
    expect(server.connections - before).toBe(2)
    http.dispose()
  })
})
