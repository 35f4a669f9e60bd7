// `npm start`: builds, then opens Hearth — the desktop app, or the same UI in a browser where
// Electron's binary cannot be had (see electronLaunch.mjs for how that is decided).
import { spawn } from 'node:child_process'
import { chooseLaunch } from './electronLaunch.mjs'

const args = process.argv.slice(2)
const run = (cmd, argv) => {
  const child = spawn(cmd, argv, { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}

const choice = await chooseLaunch()
if (choice.app === 'electron') {
  run('npx', ['electron-vite', 'preview', '--', ...args])
} else {
  console.log(
    `${choice.why}\n${choice.fix ? `${choice.fix}\n` : ''}Meanwhile Hearth runs in your browser: open the URL below.`,
  )
  run(process.execPath, ['bin/hearth.js', 'serve', ...args])
}
