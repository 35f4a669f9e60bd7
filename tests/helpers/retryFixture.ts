/**
 * The code the chat tests ask about: a retry with exponential backoff, as JavaScript or as
 * TypeScript (the same lines, typed), so an answer can cite `delay *= 2` in either.
 */
export function retrySource(lang: 'js' | 'ts'): string {
  const signature =
    lang === 'ts'
      ? 'export async function retryWithBackoff<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {'
      : 'export async function retryWithBackoff(fn, attempts = 5) {'
  return [
    '/** Retries a call with exponential backoff. */',
    signature,
    '  let delay = 100',
    '  for (let i = 0; ; i++) {',
    '    try {',
    '      return await fn()',
    '    } catch (err) {',
    '      if (i >= attempts) throw err',
    '      await new Promise((r) => setTimeout(r, delay))',
    '      delay *= 2',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n')
}
