import type { PromptPart, Snippet } from './fimTypes'
import { commentSnippets } from './snippetComments'

export type FimFamily = 'qwen' | 'starcoder' | 'deepseek' | 'codellama' | 'codestral'

export interface TemplateInput {
  prefix: string
  suffix: string
  snippets: readonly Snippet[]
  path?: string
  language?: string
}

/** One model family's fill-in-the-middle format and the strings that end its output. */
export interface FimTemplate {
  readonly family: FimFamily
  readonly stop: readonly string[]
  /** The whole prompt, control tokens marked `special`, snippets first. */
  render(input: TemplateInput): PromptPart[]
}

const s = (text: string): PromptPart => ({ text, special: true })
const t = (text: string): PromptPart => ({ text, special: false })

/** Snippets as comments ahead of the prefix: every family understands code comments. */
function commentedPrefix(input: TemplateInput): string {
  return commentSnippets(input.snippets, input.language) + input.prefix
}

const qwen: FimTemplate = {
  family: 'qwen',
  stop: [
    '<|endoftext|>',
    '<|fim_prefix|>',
    '<|fim_suffix|>',
    '<|fim_middle|>',
    '<|fim_pad|>',
    '<|repo_name|>',
    '<|file_sep|>',
    '<|im_start|>',
    '<|im_end|>',
  ],
  // Qwen2.5-Coder's repository-level format: other files as <|file_sep|> sections, then the
  // current file's FIM. Without snippets, the plain single-file FIM format.
  render(input) {
    const parts: PromptPart[] = []
    if (input.snippets.length > 0) {
      parts.push(s('<|repo_name|>'), t('workspace\n'))
      for (const sn of input.snippets)
        parts.push(s('<|file_sep|>'), t(`${sn.path}\n${sn.text.endsWith('\n') ? sn.text : sn.text + '\n'}`))
      parts.push(s('<|file_sep|>'), t(`${input.path ?? 'current'}\n`))
    }
    parts.push(
      s('<|fim_prefix|>'),
      t(input.prefix),
      s('<|fim_suffix|>'),
      t(input.suffix),
      s('<|fim_middle|>'),
    )
    return parts
  },
}

const starcoder: FimTemplate = {
  family: 'starcoder',
  stop: [
    '<|endoftext|>',
    '<fim_prefix>',
    '<fim_suffix>',
    '<fim_middle>',
    '<file_sep>',
    '<repo_name>',
    '<fim_pad>',
  ],
  render: (input) => [
    s('<fim_prefix>'),
    t(commentedPrefix(input)),
    s('<fim_suffix>'),
    t(input.suffix),
    s('<fim_middle>'),
  ],
}

const deepseek: FimTemplate = {
  family: 'deepseek',
  stop: ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<｜end▁of▁sentence｜>', '<|EOT|>'],
  render: (input) => [
    s('<｜fim▁begin｜>'),
    t(commentedPrefix(input)),
    s('<｜fim▁hole｜>'),
    t(input.suffix),
    s('<｜fim▁end｜>'),
  ],
}

const codellama: FimTemplate = {
  family: 'codellama',
  stop: ['<EOT>', '<PRE>', '<SUF>', '<MID>', '</s>'],
  // Meta's infilling format (spaces included): "<PRE> {pre} <SUF>{suf} <MID>".
  render: (input) => [
    s('<PRE>'),
    t(` ${commentedPrefix(input)} `),
    s('<SUF>'),
    t(input.suffix),
    t(' '),
    s('<MID>'),
  ],
}

const codestral: FimTemplate = {
  family: 'codestral',
  stop: ['[PREFIX]', '[SUFFIX]', '[MIDDLE]', '</s>', '[INST]', '[/INST]'],
  // Mistral's FIM puts the suffix first; the server adds BOS.
  render: (input) => [s('[SUFFIX]'), t(input.suffix), s('[PREFIX]'), t(commentedPrefix(input))],
}

const TEMPLATES: Record<FimFamily, FimTemplate> = { qwen, starcoder, deepseek, codellama, codestral }

/**
 * Picks the FIM family from a model name (Ollama tag, HF id, GGUF file name). Unknown names get
 * Qwen's format, the family of Hearth's default model.
 */
export function familyForModel(model: string): FimFamily {
  const m = model.toLowerCase()
  if (m.includes('codestral')) return 'codestral'
  if (m.includes('deepseek')) return 'deepseek'
  if (/code[-_ ]?llama/.test(m)) return 'codellama'
  if (m.includes('starcoder')) return 'starcoder'
  return 'qwen'
}

/** A family name, or a model name to pick the family from. */
export function templateFor(familyOrModel: string): FimTemplate {
  return (
    (TEMPLATES as Record<string, FimTemplate | undefined>)[familyOrModel] ??
    TEMPLATES[familyForModel(familyOrModel)]
  )
}

export const FIM_FAMILIES = Object.keys(TEMPLATES) as FimFamily[]
