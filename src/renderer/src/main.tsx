import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { loadMonaco } from './monaco/loadMonaco'
import { connect } from './transport/connect'
import './styles/app.css'

const connection = connect(window)
// Start fetching the editor chunk now, in parallel with the first calls to the core.
loadMonaco().catch(() => undefined) // the workbench shows the error

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(<App connection={connection} />)
