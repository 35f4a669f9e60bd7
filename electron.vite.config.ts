import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

const shared = resolve(__dirname, 'src/shared')

// Main-process bundle: the Electron entry plus every plain-Node entry point that
// must run without Electron (the `hearth` CLI, worker threads). They share chunks.
export default defineConfig({
  main: {
    resolve: { alias: { '@shared': shared } },
    build: {
      // zod is bundled rather than loaded from node_modules: as an external it is about a hundred
      // ES modules, each resolved, read and compiled apart — a large share of a CLI command's start.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts'),
          // PGlite runs in this worker thread (src/main/core/index/store/indexStore.ts finds it beside cli.js).
          indexWorker: resolve(__dirname, 'src/main/core/index/store/worker.ts'),
          // Literal search reads and matches files in these threads (index/literal/literalPool.ts).
          literalWorker: resolve(__dirname, 'src/main/core/index/literal/literalWorker.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias: { '@shared': shared } },
    build: {
      // Sandboxed preload scripts cannot `require` from node_modules or load ESM:
      // bundle everything into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    resolve: { alias: { '@shared': shared } },
    plugins: [react()],
    build: {
      // electron-vite leaves the renderer unminified by default (25 MB with Monaco).
      minify: true,
      chunkSizeWarningLimit: 8000,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
})
