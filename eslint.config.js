// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

// Layers import one way: shared ← main/core ← main/app, server, cli; renderer only shared.
// `electron` is allowed in src/main/app, src/main/index.ts and src/preload only.
const electronBan = {
  paths: [
    {
      name: 'electron',
      message: 'electron is only allowed in src/main/app, src/main/index.ts and src/preload.',
    },
  ],
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'resources/**', 'build/**', 'tests/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronBan,
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'shared imports nothing but shared.',
            },
            { group: ['node:*'], message: 'shared must run in every process, including the renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronBan,
          patterns: [
            {
              group: [
                '**/main/app/**',
                '**/app/*',
                '**/server/**',
                '**/cli/**',
                '**/renderer/**',
                '**/preload/**',
              ],
              message: 'core imports only shared and core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/server/**/*.ts', 'src/main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronBan,
          patterns: [
            {
              group: ['**/main/app/**', '**/renderer/**', '**/preload/**'],
              message: 'server/cli do not depend on Electron glue or UI.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronBan,
          patterns: [
            { group: ['**/main/**', '**/preload/**'], message: 'renderer imports only shared.' },
            { group: ['node:*'], message: 'the renderer has no Node.' },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', '**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
)
