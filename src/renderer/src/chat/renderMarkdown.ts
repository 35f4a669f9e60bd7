import DOMPurify from 'dompurify'
import { marked } from 'marked'

/**
 * An answer's Markdown as safe HTML: `[n]` markers that name a source become links the panel
 * opens at the cited lines (outside code, where `xs[1]` is code), then DOMPurify removes anything
 * active (script, event handlers, javascript: links) a model or a poisoned source could write.
 */
export function renderAnswer(markdown: string, cited: ReadonlySet<number>): string {
  const linked = linkCitations(markdown, cited)
  const html = marked.parse(linked, { async: false, gfm: true, breaks: false })
  return DOMPurify.sanitize(html, { ALLOWED_URI_REGEXP: /^#cite-\d+$/ })
}

/** `[2]` → `[[2]](#cite-2)` for cited numbers, skipping fenced and inline code. */
export function linkCitations(markdown: string, cited: ReadonlySet<number>): string {
  const parts = markdown.split(/(```[\s\S]*?(?:```|$)|`[^`\n]*`)/)
  return parts
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/\[(\d{1,3})\](?!\()/g, (m, n: string) =>
            cited.has(Number(n)) ? `[\\[${n}\\]](#cite-${n})` : m,
          ),
    )
    .join('')
}
