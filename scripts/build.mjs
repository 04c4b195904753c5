// Two Node bundles (CLI, extension) by esbuild and the webview by Vite. Type checking is a
// separate step (`npm run typecheck`) so a build stays fast.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { chmodSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // The claude CLI is spawned, never bundled; playwright-core resolves its own files at run time.
  external: ['@anthropic-ai/claude-code', 'playwright-core', 'puppeteer-core'],
};

await Promise.all([
  // `orch` is a small loader (dist/cli.js) that runs the bundle (dist/cli-main.js) from V8's code
  // cache. The bundle has no `import()` left: a script run that way cannot import without a flag.
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js', supported: { 'dynamic-import': false } }),
  build({ ...common, entryPoints: ['src/cli/cli-entry.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, sourcemap: false }),
  build({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: [...common.external, 'vscode'],
    // zod probes `navigator`, which VS Code's extension host reports as a pending migration on every activation.
    define: { navigator: 'undefined' },
  }),
  viteBuild({ configFile: 'webview/vite.config.mts', logLevel: 'warn' }),
]);
chmodSync('dist/cli.js', 0o755);
