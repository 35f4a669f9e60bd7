import { describe, expect, it } from 'vitest'
import { describeIndexStatus } from './IndexStatus'

const base = {
  state: 'ready' as const,
  files: 1200,
  chunks: 8000,
  embedBacklog: 0,
  embedder: 'hearth-hash:v2-256-0.35',
  embedState: 'idle' as const,
  paused: false,
}

describe('describeIndexStatus', () => {
  it('shows counts when ready, the backlog while embedding', () => {
    expect(describeIndexStatus(base).text).toBe(
      `${(1200).toLocaleString()} files · ${(8000).toLocaleString()} chunks`,
    )
    expect(describeIndexStatus({ ...base, embedBacklog: 30, embedState: 'running' }).text).toContain(
      'embedding 30',
    )
  })
  it('says paused and why, progress while indexing, and an unreachable embedder', () => {
    expect(describeIndexStatus({ ...base, paused: true, reason: 'on battery (15 %)' }).text).toBe(
      'Index paused: on battery (15 %)',
    )
    expect(describeIndexStatus({ ...base, state: 'indexing', progress: { done: 5, total: 10 } }).text).toBe(
      'Indexing 5/10',
    )
    const d = describeIndexStatus({ ...base, embedState: 'unavailable', reason: 'ollama down' })
    expect(d.tone).toBe('warning')
    expect(d.title).toContain('ollama down')
  })
  it('says the vector index is being built, and that searches wait for it', () => {
    const d = describeIndexStatus({ ...base, embedState: 'building' })
    expect(d.text).toContain('building vector index')
    expect(d.tone).toBe('busy')
    expect(d.title).toContain('searches wait')
  })
  it('counts in the singular for one', () => {
    expect(describeIndexStatus({ ...base, files: 1, chunks: 1 }).text).toBe('1 file · 1 chunk')
  })
  it('lists what the scan left out and why, and says a full disk plainly', () => {
    const d = describeIndexStatus({
      ...base,
      skipped: {
        count: 23,
        sample: [
          { path: '.env', reason: 'may contain secrets (set index.includeSecretFiles to index it)' },
          { path: 'docs', reason: 'symlink to outside the workspace' },
        ],
      },
    })
    expect(d.title).toContain('23 files left out:')
    expect(d.title).toContain('  .env — may contain secrets')
    expect(d.title).toContain('  docs — symlink to outside the workspace')
    expect(d.title).toContain('and 21 more (hearth index --json lists them all)')
    const byRule = describeIndexStatus({
      ...base,
      skipped: {
        count: 40,
        sample: [{ path: 'dist', reason: 'ignored by default (dist, not tracked by git)' }],
        reasons: [
          { reason: 'ignored by .gitignore (*.log)', count: 39 },
          { reason: 'ignored by default (dist, not tracked by git)', count: 1 },
        ],
      },
    })
    expect(byRule.title).toContain('by reason:')
    expect(byRule.title).toContain('  39 — ignored by .gitignore (*.log)')
    expect(describeIndexStatus({ ...base, state: 'error', reason: 'the disk is full (0 B free)' }).text).toBe(
      'Index: disk full',
    )
  })
})
