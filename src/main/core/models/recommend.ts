import { availableParallelism, totalmem } from 'node:os'
import { catalogueModel, type CatalogueModel, type ModelTask } from './catalogue'

/** What the recommendation looks at. */
export interface MachineFacts {
  totalMemBytes: number
  cores: number
  /** The largest local GPU, when the resource monitor sees one. */
  gpu?: { name: string; memoryBytes: number | null }
}

export interface Recommendation {
  task: ModelTask
  model: CatalogueModel
  /** Why this one on this machine, in a sentence the user can check. */
  why: string
}

const GB = 1024 ** 3

/** This machine's memory and cores, with the GPU the resource monitor sees (if any). */
export function thisMachine(gpu?: MachineFacts['gpu']): MachineFacts {
  return { totalMemBytes: totalmem(), cores: availableParallelism(), ...(gpu ? { gpu } : {}) }
}

function describe(m: MachineFacts): string {
  const ram = `${Math.round(m.totalMemBytes / GB)} GB of memory`
  const cpu = `${m.cores} CPU core${m.cores === 1 ? '' : 's'}`
  const gpu = m.gpu
    ? `a ${m.gpu.name}${m.gpu.memoryBytes ? ` with ${Math.round(m.gpu.memoryBytes / GB)} GB` : ''}`
    : 'no GPU'
  return `${cpu}, ${ram} and ${gpu}`
}

function pick(id: string): CatalogueModel {
  const m = catalogueModel(id)
  if (!m) throw new Error(`catalogue has no ${id}`)
  return m
}

/**
 * One model per task for this machine. Inline completion is judged by latency (a suggestion that
 * arrives after the next keystroke is useless), so on the CPU the core count decides; chat can be
 * slower and is judged by memory.
 */
export function recommend(m: MachineFacts): Recommendation[] {
  const gpuMem = m.gpu?.memoryBytes ?? 0
  const machine = describe(m)
  const ram = m.totalMemBytes
  let completion: Recommendation
  if (gpuMem >= 10 * GB && ram >= 16 * GB)
    completion = {
      task: 'completion',
      model: pick('qwen2.5-coder-7b'),
      why: `${machine}: the 7B model fits the GPU and stays fast.`,
    }
  else if (gpuMem >= 6 * GB)
    completion = {
      task: 'completion',
      model: pick('qwen2.5-coder-7b-q4'),
      why: `${machine}: the 7B model at Q4 fits the GPU.`,
    }
  else if (m.cores >= 8 && ram >= 16 * GB)
    completion = {
      task: 'completion',
      model: pick('qwen2.5-coder-3b'),
      why: `${machine}: enough cores for the 3B model to answer while you type.`,
    }
  else if (m.cores >= 4 && ram >= 8 * GB)
    completion = {
      task: 'completion',
      model: pick('qwen2.5-coder-1.5b'),
      why: `${machine}: the 1.5B model answers in well under a second on 4+ cores.`,
    }
  else
    completion = {
      task: 'completion',
      model: pick('qwen2.5-coder-0.5b'),
      why: `${machine}: larger models take seconds per suggestion on so few cores; the 0.5B one keeps up with typing.`,
    }
  let chat: Recommendation
  if ((gpuMem >= 8 * GB || ram >= 16 * GB) && m.cores >= 4)
    chat = {
      task: 'chat',
      model: pick('qwen2.5-coder-7b-instruct'),
      why: `${machine}: room for the strongest local chat model.`,
    }
  else if (ram >= 8 * GB && m.cores >= 4)
    chat = {
      task: 'chat',
      model: pick('qwen2.5-coder-3b-instruct'),
      why: `${machine}: the 3B model gives useful answers within the memory.`,
    }
  else
    chat = {
      task: 'chat',
      model: pick('qwen2.5-coder-1.5b-instruct'),
      why: `${machine}: a small chat model keeps answers coming at a readable pace.`,
    }
  const embedding: Recommendation = {
    task: 'embedding',
    model: pick('nomic-embed-text'),
    why: 'Small and code-aware enough for semantic search; embeds a repository on the CPU.',
  }
  return [completion, chat, embedding]
}
