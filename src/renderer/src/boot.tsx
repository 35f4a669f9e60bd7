import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { connect } from './transport/connect'

/** Connects to the core and renders the app (loaded in parallel with the editor chunk, see main.tsx). */
export function boot(): void {
  const connection = connect(window)
  const root = document.getElementById('root')
  if (!root) throw new Error('index.html has no #root')
  createRoot(root).render(<App connection={connection} />)
}
