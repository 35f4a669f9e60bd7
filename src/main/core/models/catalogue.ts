/**
 * The models Hearth recommends, with what each is for and what it needs. Small on purpose: a user
 * choosing a first model wants three good answers, not a hub to browse (a custom
 * `hf:owner/repo/file.gguf` covers the rest).
 *
 * Every download is checked against a sha256 before use: an entry's own `sha256` (with the
 * `revision` it belongs to) when one is pinned, else the hub's sha256 of the file (its
 * `X-Linked-Etag`), without which a download is refused. Pin only a hash read from the hub itself:
 * a wrong pin makes the model impossible to install.
 */

export const MODEL_TASKS = ['completion', 'chat', 'embedding'] as const
export type ModelTask = (typeof MODEL_TASKS)[number]

export interface HfFile {
  /** `owner/repo` on the hub. */
  repo: string
  file: string
  /** Branch, tag or commit; `main` when not pinned. */
  revision: string
  /** Lower-case hex sha256 of the file's bytes, when pinned here. */
  sha256?: string
}

export interface CatalogueModel {
  /** What the user types: `hearth models pull qwen2.5-coder-1.5b`. */
  id: string
  task: ModelTask
  title: string
  /** One line: what it is good for and its trade-off. */
  purpose: string
  /** Download size (bytes, rounded: the server's Content-Length is what counts). */
  sizeBytes: number
  /** Memory it needs loaded with a working context (bytes, rounded up). */
  ramBytes: number
  gguf: HfFile
  /** The same model in Ollama's library, for users who run Ollama. */
  ollama?: string
}

const MB = 1024 * 1024
const GB = 1024 * MB

const ggmlOrg = (repo: string, file: string): HfFile => ({ repo: `ggml-org/${repo}`, file, revision: 'main' })

export const CATALOGUE: readonly CatalogueModel[] = [
  {
    id: 'qwen2.5-coder-0.5b',
    task: 'completion',
    title: 'Qwen2.5-Coder 0.5B (Q8_0)',
    purpose: 'Fastest inline completions; fits any laptop and answers quickly on two CPU cores.',
    sizeBytes: 531 * MB,
    ramBytes: 1 * GB,
    gguf: ggmlOrg('Qwen2.5-Coder-0.5B-Q8_0-GGUF', 'qwen2.5-coder-0.5b-q8_0.gguf'),
    ollama: 'qwen2.5-coder:0.5b',
  },
  {
    id: 'qwen2.5-coder-1.5b',
    task: 'completion',
    title: 'Qwen2.5-Coder 1.5B (Q8_0)',
    purpose: 'The balanced default for inline completions: good suggestions, fast on 4+ cores.',
    sizeBytes: 1646 * MB,
    ramBytes: 3 * GB,
    gguf: ggmlOrg('Qwen2.5-Coder-1.5B-Q8_0-GGUF', 'qwen2.5-coder-1.5b-q8_0.gguf'),
    ollama: 'qwen2.5-coder:1.5b',
  },
  {
    id: 'qwen2.5-coder-1.5b-q4',
    task: 'completion',
    title: 'Qwen2.5-Coder 1.5B (Q4_K_M)',
    purpose: 'The 1.5B model at half the size and memory, slightly less accurate.',
    sizeBytes: 986 * MB,
    ramBytes: 2 * GB,
    gguf: {
      repo: 'bartowski/Qwen2.5-Coder-1.5B-GGUF',
      file: 'Qwen2.5-Coder-1.5B-Q4_K_M.gguf',
      revision: 'main',
    },
    ollama: 'qwen2.5-coder:1.5b',
  },
  {
    id: 'qwen2.5-coder-3b',
    task: 'completion',
    title: 'Qwen2.5-Coder 3B (Q8_0)',
    purpose: 'Better multi-line completions; wants 8+ cores or a GPU to stay quick.',
    sizeBytes: 3290 * MB,
    ramBytes: 5 * GB,
    gguf: ggmlOrg('Qwen2.5-Coder-3B-Q8_0-GGUF', 'qwen2.5-coder-3b-q8_0.gguf'),
    ollama: 'qwen2.5-coder:3b',
  },
  {
    id: 'qwen2.5-coder-7b',
    task: 'completion',
    title: 'Qwen2.5-Coder 7B (Q8_0)',
    purpose: 'Best local completions; needs a GPU with 10 GB or more to be fast enough to type with.',
    sizeBytes: 8100 * MB,
    ramBytes: 10 * GB,
    gguf: ggmlOrg('Qwen2.5-Coder-7B-Q8_0-GGUF', 'qwen2.5-coder-7b-q8_0.gguf'),
    ollama: 'qwen2.5-coder:7b',
  },
  {
    id: 'qwen2.5-coder-7b-q4',
    task: 'completion',
    title: 'Qwen2.5-Coder 7B (Q4_K_M)',
    purpose: 'The 7B model in 6 GB of GPU memory, a little less accurate.',
    sizeBytes: 4680 * MB,
    ramBytes: 6 * GB,
    gguf: { repo: 'bartowski/Qwen2.5-Coder-7B-GGUF', file: 'Qwen2.5-Coder-7B-Q4_K_M.gguf', revision: 'main' },
    ollama: 'qwen2.5-coder:7b',
  },
  {
    id: 'qwen2.5-coder-1.5b-instruct',
    task: 'chat',
    title: 'Qwen2.5-Coder 1.5B Instruct (Q8_0)',
    purpose: 'Chat and explanations on small machines; short answers, quick on the CPU.',
    sizeBytes: 1646 * MB,
    ramBytes: 3 * GB,
    gguf: ggmlOrg('Qwen2.5-Coder-1.5B-Instruct-Q8_0-GGUF', 'qwen2.5-coder-1.5b-instruct-q8_0.gguf'),
    ollama: 'qwen2.5-coder:1.5b-instruct',
  },
  {
    id: 'qwen2.5-coder-3b-instruct',
    task: 'chat',
    title: 'Qwen2.5-Coder 3B Instruct (Q8_0)',
    purpose: 'Chat, inline edits and code explanation on a laptop with 8 GB or more.',
    sizeBytes: 3290 * MB,
    ramBytes: 5 * GB,
    gguf: ggmlOrg('Qwen2.5-Coder-3B-Instruct-Q8_0-GGUF', 'qwen2.5-coder-3b-instruct-q8_0.gguf'),
    ollama: 'qwen2.5-coder:3b-instruct',
  },
  {
    id: 'qwen2.5-coder-7b-instruct',
    task: 'chat',
    title: 'Qwen2.5-Coder 7B Instruct (Q4_K_M)',
    purpose: 'The strongest local chat model here; wants a GPU or 16 GB of RAM and patience.',
    sizeBytes: 4680 * MB,
    ramBytes: 8 * GB,
    gguf: {
      repo: 'Qwen/Qwen2.5-Coder-7B-Instruct-GGUF',
      file: 'qwen2.5-coder-7b-instruct-q4_k_m.gguf',
      revision: 'main',
    },
    ollama: 'qwen2.5-coder:7b-instruct',
  },
  {
    id: 'nomic-embed-text',
    task: 'embedding',
    title: 'nomic-embed-text v1.5 (Q8_0)',
    purpose: 'Semantic search over code and docs; small and fast enough to embed a repo on the CPU.',
    sizeBytes: 146 * MB,
    ramBytes: 512 * MB,
    gguf: {
      repo: 'nomic-ai/nomic-embed-text-v1.5-GGUF',
      file: 'nomic-embed-text-v1.5.Q8_0.gguf',
      revision: 'main',
    },
    ollama: 'nomic-embed-text',
  },
]

export function catalogueModel(id: string): CatalogueModel | undefined {
  return CATALOGUE.find((m) => m.id === id)
}
