import { loadMonaco } from './monaco/loadMonaco'
import './styles/app.css'

// The entry is tiny on purpose: it requests the editor chunk (the bulk, and the critical path to
// showing a file) and the app chunk at the same moment, instead of the editor only once the app
// has been downloaded, parsed and run. A failure to load the editor is shown by the workbench.
loadMonaco().catch(() => undefined)
import('./boot').then(
  (m) => m.boot(),
  (err: unknown) => {
    document.body.textContent = `Hearth failed to start: ${err instanceof Error ? err.message : String(err)}`
  },
)
