import type { searchMethods } from '@shared/contract/search'
import type { HandlersFor } from '../rpc/handlers'
import type { IndexService } from './indexService'

export function searchHandlers(service: IndexService): HandlersFor<keyof typeof searchMethods> {
  return {
    'search.query': async (args, ctx) => {
      const { query, ...rest } = args
      const opts = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined))
      const r = await service.search({ query, ...opts }, ctx.signal)
      return {
        results: r.results.map((x) => ({
          path: x.path,
          startLine: x.startLine,
          endLine: x.endLine,
          score: x.score,
          snippet: x.snippet,
          snippetLine: x.snippetLine,
          matchLines: x.matchLines,
          language: x.language,
        })),
        mode: r.mode,
        ...(r.notice ? { notice: r.notice } : {}),
        ...(r.weak ? { weak: true } : {}),
        ms: r.ms,
      }
    },
    'index.status': () => service.getStatus(),
    'index.rebuild': ({ force }) => ({ started: service.rebuild(force ?? false) }),
  }
}
