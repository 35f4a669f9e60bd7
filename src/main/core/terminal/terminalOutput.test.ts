import { describe, expect, it } from 'vitest'
import { TerminalOutput } from './terminalOutput'

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms))

function make(opts: Partial<ConstructorParameters<typeof TerminalOutput>[0]> = {}) {
  const sent: { seq: number; data: string }[] = []
  const flow: string[] = []
  const out = new TerminalOutput({
    flushMs: 5,
    emit: (seq, data) => sent.push({ seq, data }),
    pause: () => flow.push('pause'),
    resume: () => flow.push('resume'),
    ...opts,
  })
  return { out, sent, flow }
}

describe('TerminalOutput', () => {
  it('gathers small reads into one event per tick', async () => {
    const { out, sent } = make()
    out.push('a')
    out.push('b')
    out.push('c')
    expect(sent).toEqual([])
    await tick()
    expect(sent).toEqual([{ seq: 1, data: 'abc' }])
  })

  it('caps an event, never splits a surrogate pair, and pauses / resumes the pty around the high water', async () => {
    const { out, sent, flow } = make({ maxEventChars: 4, highWater: 8, lowWater: 4 })
    out.push('abc😀defghij')
    expect(flow).toEqual(['pause'])
    expect(out.backlog).toBe(12)
    await tick(100)
    expect(sent.map((s) => s.data)).toEqual(['abc', '😀de', 'fghi', 'j'])
    expect(flow).toEqual(['pause', 'resume'])
  })

  it('keeps the newest output for a replay, with the last seq it includes', async () => {
    const { out } = make({ maxEventChars: 4, scrollbackChars: 8 })
    out.push('0123456789ab')
    await tick(60)
    expect(out.replay()).toEqual({ data: '4567' + '89ab', seq: 3 })
  })

  it('drain sends what is pending at once; close drops it and resumes a paused pty', () => {
    const { out, sent, flow } = make({ highWater: 2 })
    out.push('xyz')
    out.drain()
    expect(sent).toEqual([{ seq: 1, data: 'xyz' }])
    out.push('more')
    out.close()
    out.push('late')
    expect(out.backlog).toBe(0)
    expect(flow).toEqual(['pause', 'resume'])
  })
})
