/**
 * What Monaco's TypeScript and JavaScript workers start with (monacoSetup) and what a project's
 * tsconfig is laid over (tsProject). Set before any worker starts, so a workspace without a
 * tsconfig never restarts one. Enum values are TypeScript's own numbers.
 */
export const BASE_COMPILER_OPTIONS: Readonly<Record<string, number | boolean>> = {
  target: 99, // ESNext
  module: 99, // ESNext
  // Bundler resolution finds `./a` without an extension and packages' types, as most projects
  // expect; TypeScript's own default for ESNext would be the old "classic" one.
  moduleResolution: 100,
  jsx: 4, // react-jsx
  esModuleInterop: true,
  // Every loaded file takes part, whatever its extension; nothing is ever written.
  allowJs: true,
  allowNonTsExtensions: true,
  noEmit: true,
}

/**
 * Errors that only say a package is not loaded (the project's own files are, node_modules is
 * not, except `@types`): reporting them would flag every such import. Its imports are `any`.
 * 2307/2792 cannot find module, 7016 no declaration file, 2688 no type definition file,
 * 2875 JSX runtime module missing, 7026 no JSX.IntrinsicElements (React's types not loaded).
 */
export const MISSING_PACKAGE_CODES = [2307, 2792, 7016, 2688, 2875, 7026]

/**
 * Only the file shown is checked (the others when they are shown). TypeScript files get semantic
 * errors from the start: before the project is loaded an import is unresolved, which is not
 * reported (above) and makes its names `any`, so nothing false shows. JavaScript files only with
 * `checkJs`, as in VS Code.
 */
export function diagnosticsOptions(javascript: boolean, checkJs: boolean): Record<string, unknown> {
  return {
    noSemanticValidation: javascript ? !checkJs : false,
    noSyntaxValidation: false,
    onlyVisible: true,
    diagnosticCodesToIgnore: MISSING_PACKAGE_CODES,
  }
}
