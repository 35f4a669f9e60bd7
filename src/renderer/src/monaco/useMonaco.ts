import { useEffect, useState } from 'react'
import { loadMonaco } from './loadMonaco'
import type { Monaco } from './monacoSetup'

export function useMonaco(): { monaco: Monaco | undefined; error: string | undefined } {
  const [state, setState] = useState<{ monaco: Monaco | undefined; error: string | undefined }>({
    monaco: undefined,
    error: undefined,
  })
  useEffect(() => {
    let live = true
    loadMonaco().then(
      (monaco) => live && setState({ monaco, error: undefined }),
      (err: unknown) => live && setState({ monaco: undefined, error: (err as Error).message }),
    )
    return () => {
      live = false
    }
  }, [])
  return state
}
