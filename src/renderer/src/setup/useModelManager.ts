import { useCallback, useEffect, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { DownloadProgress, ModelsOverview } from '@shared/contract/models'

export type ModelsApi = Pick<HearthApi, 'call' | 'on'>

export interface ModelManagerState {
  overview: ModelsOverview | undefined
  /** Latest progress per running download (catalogue id, hf: spec or `ollama:<model>`). */
  progress: Record<string, DownloadProgress>
  /** Downloads this window started and is waiting for. */
  pending: Set<string>
  error: string | undefined
  refresh: () => void
  /** Downloads `spec`; with `use`, the active profile then uses it. Resolves true when it finished. */
  pull: (spec: string, use: boolean) => Promise<boolean>
  pullOllama: (model: string, use: boolean) => Promise<boolean>
  cancel: (spec: string) => void
  remove: (name: string) => void
  setSetupDone: (done: boolean) => Promise<void>
  /** Shows a failed call's message. */
  fail: (e: unknown) => void
}

/** The model manager's data and actions for the getting-started page and Settings ▸ Models. */
export function useModelManager(api: ModelsApi): ModelManagerState {
  const [overview, setOverview] = useState<ModelsOverview>()
  const [progress, setProgress] = useState<Record<string, DownloadProgress>>({})
  const [pending, setPending] = useState<Set<string>>(new Set())
  const [error, setError] = useState<string>()

  const refresh = useCallback(() => {
    api.call('models.overview', {}).then(setOverview, (e: unknown) => setError((e as Error).message))
  }, [api])

  useEffect(() => {
    refresh()
    return api.on('models.progress', ({ spec, progress: p }) => setProgress((cur) => ({ ...cur, [spec]: p })))
  }, [api, refresh])

  const track = useCallback(
    async (key: string, run: () => Promise<unknown>): Promise<boolean> => {
      setError(undefined)
      setPending((s) => new Set(s).add(key))
      try {
        await run()
        return true
      } catch (e) {
        const err = e as Error & { code?: string }
        if (err.code !== 'cancelled') setError(err.message)
        return false
      } finally {
        setPending((s) => {
          const next = new Set(s)
          next.delete(key)
          return next
        })
        setProgress((cur) => {
          const { [key]: _done, ...rest } = cur
          return rest
        })
        refresh()
      }
    },
    [refresh],
  )

  return {
    overview,
    progress,
    pending,
    error,
    refresh,
    pull: (spec, use) => track(spec, () => api.call('models.pull', { spec, use })),
    pullOllama: (model, use) => track(`ollama:${model}`, () => api.call('models.pullOllama', { model, use })),
    cancel: (spec) => void api.call('models.cancel', { spec }).catch(() => undefined),
    remove: (name) =>
      void api.call('models.remove', { name }).then(refresh, (e: unknown) => setError((e as Error).message)),
    fail: (e) => setError(e instanceof Error ? e.message : String(e)),
    setSetupDone: async (done) => {
      await api.call('models.setupDone', { done })
      refresh()
    },
  }
}
