import { useEffect, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { ResourceState } from '@shared/contract/resources'

export type PerfApi = Pick<HearthApi, 'call' | 'on'>

/** The latest `resources.state`: fetched once, then kept current by the event. */
export function useResourceState(api: PerfApi): {
  state: ResourceState | undefined
  error: string | undefined
} {
  const [state, setState] = useState<ResourceState>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    let live = true
    const off = api.on('resources.state', (s) => {
      setState(s)
      setError(undefined)
    })
    api.call('resources.state', {}).then(
      (s) => live && setState((prev) => (prev && prev.updatedAt > s.updatedAt ? prev : s)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    )
    return () => {
      live = false
      off()
    }
  }, [api])
  return { state, error }
}
