import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { HearthError } from '@shared/errors'
import type { ChatTurn, Conversation, ConversationSummary } from '@shared/contract/chat'
import { atomicWrite } from '../files/atomicWrite'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../files/dataDir'

const ID = /^[0-9a-f]{16}$/
const TITLE_CHARS = 60

/**
 * A workspace's conversations, one JSON file each in a folder beside its index (so they go with
 * the workspace's other data, and `hearth indexes rm` takes them too), written atomically: a crash
 * keeps the last whole version. Not in the index database: that one is derived from the files
 * and is started anew when damaged or on `hearth index --force`, which must not take what the user
 * wrote with it.
 */
export class ConversationStore {
  constructor(private readonly dir: string) {}

  async list(): Promise<ConversationSummary[]> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch {
      return []
    }
    const out: ConversationSummary[] = []
    for (const name of names) {
      const id = name.endsWith('.json') ? name.slice(0, -5) : ''
      if (!ID.test(id)) continue
      const c = await this.read(id).catch(() => undefined)
      if (c) out.push({ id: c.id, title: c.title, updatedAt: c.updatedAt, turns: c.turns.length })
    }
    return out.sort((a, b) => b.updatedAt - a.updatedAt)
  }

  async get(id: string): Promise<Conversation> {
    const c = await this.read(id).catch(() => undefined)
    if (!c) throw new HearthError('not_found', 'that conversation no longer exists')
    return c
  }

  /** A new conversation titled after its first question. */
  async create(firstQuestion: string): Promise<Conversation> {
    const oneLine = firstQuestion.replace(/\s+/g, ' ').trim()
    const title = oneLine.length > TITLE_CHARS ? `${oneLine.slice(0, TITLE_CHARS - 1)}…` : oneLine
    const c: Conversation = {
      id: randomBytes(8).toString('hex'),
      title: title || 'New chat',
      updatedAt: Date.now(),
      turns: [],
    }
    await this.write(c)
    return c
  }

  async append(id: string, turns: readonly ChatTurn[]): Promise<Conversation> {
    const c = await this.get(id)
    const next = { ...c, turns: [...c.turns, ...turns], updatedAt: Date.now() }
    await this.write(next)
    return next
  }

  async rename(id: string, title: string): Promise<void> {
    const c = await this.get(id)
    await this.write({ ...c, title: title.trim() || c.title, updatedAt: Date.now() })
  }

  async delete(id: string): Promise<boolean> {
    if (!ID.test(id)) return false
    const file = join(this.dir, `${id}.json`)
    const existed = await readFile(file).then(
      () => true,
      () => false,
    )
    await rm(file, { force: true })
    return existed
  }

  private async read(id: string): Promise<Conversation> {
    if (!ID.test(id)) throw new HearthError('invalid_argument', `not a conversation id: ${id}`)
    const v = JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8')) as Conversation
    if (v.id !== id || !Array.isArray(v.turns)) throw new Error('not a conversation file')
    return v
  }

  private async write(c: Conversation): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    await atomicWrite(join(this.dir, `${c.id}.json`), Buffer.from(JSON.stringify(c)), {
      mode: PRIVATE_FILE_MODE,
    })
  }
}
