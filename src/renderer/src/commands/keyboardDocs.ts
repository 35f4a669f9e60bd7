import { formatKey } from '../keyboard/keybindings'
import type { Command } from './commandTypes'
import { commandLabel } from './registry'

export const DOCS_START = '<!-- commands:start -->'
export const DOCS_END = '<!-- commands:end -->'

/** The table of docs/KEYBOARD.md, one row per command (sorted by palette label), from the registry. */
export function keyboardTable(commands: readonly Command[]): string[] {
  const keys = (c: Command, mac: boolean): string =>
    c.keys && c.keys.length > 0 ? c.keys.map((k) => formatKey(k, mac)).join(', ') : '—'
  const rows = [...commands]
    .sort((a, b) => commandLabel(a).localeCompare(commandLabel(b)))
    .map((c) => `| ${commandLabel(c)} | ${keys(c, false)} | ${keys(c, true)} | \`${c.id}\` |`)
  return ['| Command | Linux, Windows | macOS | Id |', '| --- | --- | --- | --- |', ...rows]
}

/** A table row with its cells trimmed, so column padding (prettier's) does not count. */
export function normalizeRow(line: string): string {
  const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|')
  return cells.map((c) => (/^\s*:?-+:?\s*$/.test(c) ? '---' : c.trim())).join('|')
}

/** The rows between the markers, normalised; undefined when the markers are missing. */
export function tableInDocs(markdown: string): string[] | undefined {
  const start = markdown.indexOf(DOCS_START)
  const end = markdown.indexOf(DOCS_END)
  if (start < 0 || end < start) return undefined
  return markdown
    .slice(start + DOCS_START.length, end)
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .map(normalizeRow)
}

/** The docs with the table between the markers replaced. */
export function withTable(markdown: string, table: readonly string[]): string {
  const start = markdown.indexOf(DOCS_START)
  const end = markdown.indexOf(DOCS_END)
  if (start < 0 || end < start)
    throw new Error(`docs/KEYBOARD.md lacks the ${DOCS_START} … ${DOCS_END} markers`)
  return `${markdown.slice(0, start + DOCS_START.length)}\n\n${table.join('\n')}\n\n${markdown.slice(end)}`
}
