import { setEditorTheme } from './highlighting'
import type { Monaco } from './monacoSetup'

const query = '(prefers-color-scheme: dark)'

export function prefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia(query).matches
}

/** The editor's light / dark theme follows the OS setting, live (the app chrome follows via CSS). */
export function followOsTheme(monaco: Monaco): () => void {
  const apply = (): void => setEditorTheme(monaco, prefersDark())
  apply()
  if (typeof matchMedia !== 'function') return () => undefined
  const mql = matchMedia(query)
  mql.addEventListener('change', apply)
  return () => mql.removeEventListener('change', apply)
}
