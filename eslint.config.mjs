import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';
import svelteConfig from './webview/svelte.config.mjs';

const hostImports = {
  name: 'vscode',
  message: 'The core is host-free: it runs in the CLI and the HTTP server too. Take what you need through a port in src/orchestrator/ports.ts.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'media/**', 'node_modules/**', 'out/**', '.cache/**', '.bench/**', '.orch/**', 'webview/svelte.config.mjs', 'webview/vite.config.mts', 'eslint.config.mjs'] },
  // Vendored open-source projects keep their own style: they are fixtures, not Orch's code.
  { ignores: ['test/fixtures/projects/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  // The webview has its own tsconfig (DOM, no Node), which the project service cannot find by name.
  { files: ['webview/**/*.ts'], languageOptions: { parserOptions: { projectService: false, project: './tsconfig.webview.json' } } },
  {
    rules: {
      // `async` is how a port implementation says it returns a promise, and it turns a throw into a rejection: keep it without an await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/prefer-nullish-coalescing': 'error',
      '@typescript-eslint/prefer-optional-chain': 'error',
      '@typescript-eslint/no-unnecessary-boolean-literal-compare': 'error',
      '@typescript-eslint/no-unnecessary-template-expression': 'error',
      '@typescript-eslint/no-unnecessary-type-arguments': 'error',
      '@typescript-eslint/no-meaningless-void-operator': 'error',
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      '@typescript-eslint/no-deprecated': 'error',
      // Not on: no-unnecessary-condition (~140 hits, mostly re-reads of a field after a call that changes it,
      // and defensive checks on parsed files and test data the types call impossible) and
      // no-confusing-void-expression (forbids the `(m) => posted.push(m)` callbacks used throughout).
    },
  },
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
    // svelte-check resolves names (browser globals, runes) with the compiler's types.
    rules: { 'no-undef': 'off' },
  },
  // Type information in components would need the svelte2tsx program; svelte-check does the type checking there.
  { files: ['**/*.svelte', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Named exports keep imports greppable and renames safe.
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/orchestrator/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [hostImports],
          patterns: [
            { group: ['**/extension/**', '**/extension'], message: 'The core never depends on an adapter (src/extension).' },
            { group: ['**/cli/**', '**/cli'], message: 'The core never depends on an adapter (src/cli).' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/*', '**/server/*/**', '!**/server/dashboard-server'],
              message:
                'src/server is the HTTP server, which the extension only starts (server/dashboard-server). What both dashboards share (runs, tails, the dashboard session, agents) is host-free and lives in src/orchestrator/views.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [hostImports],
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process'], message: 'src/protocol is shared with the webview: no Node APIs.' },
            { group: ['**/orchestrator/**', '**/extension/**', '**/cli/**'], message: 'src/protocol depends on nothing but itself.' },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts', 'webview/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview talks to the host through the protocol transport only.' }],
          patterns: [
            { group: ['node:*'], message: 'The webview runs in a browser.' },
            { group: ['**/src/orchestrator/**', '**/src/extension/**', '**/src/cli/**'], message: 'The webview imports only src/protocol.' },
          ],
        },
      ],
    },
  },
  {
    // Ambient module declarations for .svelte imports must use `export default`.
    files: ['webview/src/svelte.d.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
