import { readFile } from 'node:fs/promises'
import type { SettingsProblem } from '@shared/settings/schema'
import { isPlainObject, type JsonObject } from './mergePatch'

export interface SettingsFileRead {
  file: string
  /** The file's object; undefined when it is missing or cannot be used. */
  raw: JsonObject | undefined
  /** Exact bytes read, to tell our own writes from an outside edit. */
  text: string | undefined
  /** Why the file cannot be used at all (syntax error, not an object, unreadable). */
  problem?: SettingsProblem
}

/** Files larger than this are refused: a settings file is a few KB; a huge one is a mistake. */
export const MAX_SETTINGS_BYTES = 1024 * 1024

export async function readSettingsFile(file: string): Promise<SettingsFileRead> {
  let text: string
  try {
    const buf = await readFile(file)
    if (buf.byteLength > MAX_SETTINGS_BYTES) {
      return fail(file, undefined, `file is larger than ${MAX_SETTINGS_BYTES} bytes; ignored`)
    }
    text = buf.toString('utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return { file, raw: undefined, text: undefined }
    return fail(file, undefined, `cannot read the file (${code ?? (err as Error).message}); ignored`)
  }
  return parseSettingsText(file, text)
}

export function parseSettingsText(file: string, text: string): SettingsFileRead {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (body.trim() === '') return { file, raw: {}, text }
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch (err) {
    return fail(
      file,
      text,
      `not valid JSON: ${describeJsonError(body, err as Error)}; the whole file is ignored until it is fixed`,
    )
  }
  if (!isPlainObject(value)) return fail(file, text, 'must contain a JSON object ({ … }); ignored')
  return { file, raw: value, text }
}

function fail(file: string, text: string | undefined, message: string): SettingsFileRead {
  return { file, raw: undefined, text, problem: { file, key: '', message, severity: 'error' } }
}

/** V8 says "… at position N" (sometimes "(line L column C)"); users want line and column. */
function describeJsonError(text: string, err: Error): string {
  const msg = err.message.replace(/^JSON\.parse: /, '')
  const pos = /at position (\d+)/.exec(msg)
  if (!pos?.[1]) return msg
  const offset = Number(pos[1])
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  const column = offset - before.lastIndexOf('\n')
  const reason = msg.replace(/\s*(in JSON )?at position \d+.*$/, '').trim()
  return `${reason} at line ${line}, column ${column}`
}
