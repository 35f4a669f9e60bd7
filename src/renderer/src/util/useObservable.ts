import { useSyncExternalStore } from 'react'
import type { ObservableValue } from './observableValue'

export function useObservable<T>(source: ObservableValue<T>): T {
  return useSyncExternalStore(source.subscribe, source.get)
}
