// @ts-check
// The core is a stack: each folder of src/main/core imports only folders on a lower floor (and
// itself); nothing in src/ imports in a circle. `npm test` runs this (npm run lint:layers).
// docs/ARCHITECTURE.md shows the same stack; change both together.

/** Bottom-up. Folders on one floor are siblings: they may not import each other. */
const FLOORS = [
  ['base', 'text', 'rpc'], // events, disposables, clock, queues; identifiers, languages; the handler table
  ['files', 'net', 'metrics'], // path guard, atomic write, ignore, walk, watch; HTTP, upstream errors, retry; histograms
  ['inference', 'health', 'settings', 'secrets', 'workspace', 'models', 'terminal', 'git'], // providers and prompt formats; checks; user state; model downloads; pseudo-terminals; the user's git
  ['router', 'resources'], // one route plan per request, the provider factory; monitor, throttle policy
  ['index', 'completion'], // the workspace index and search; FIM completions
  ['speculation', 'chat'], // the prefetcher: drives index and completion ahead of the user; chat: questions answered from the index
]

const CORE = '^src/main/core/'

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const layerRules = FLOORS.flatMap((floor, level) =>
  floor.map((folder) => {
    const notBelow = FLOORS.slice(level)
      .flat()
      .filter((f) => f !== folder)
    return {
      name: `layer-${folder}`,
      comment: `core/${folder} (floor ${level}) may import only ${
        FLOORS.slice(0, level).flat().join(', ') || 'shared'
      } and itself`,
      severity: /** @type {'error'} */ ('error'),
      from: { path: `${CORE}${folder}/` },
      to: {
        path: [`${CORE}(${notBelow.join('|')})/`, `${CORE}[^/]+\\.ts$`],
      },
    }
  }),
)

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import circles anywhere in src/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-folders-known',
      comment: 'Every folder of the core sits on a floor (add new ones to FLOORS).',
      severity: 'error',
      from: { path: CORE, pathNot: [`${CORE}(${FLOORS.flat().join('|')})/`, `${CORE}[^/]+\\.ts$`] },
      to: {},
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(out|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
}
