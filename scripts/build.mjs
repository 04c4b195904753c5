// Two Node bundles (CLI, extension) by esbuild and the webview by Vite. Type checking is a
// separate step (`npm run typecheck`) so a build stays fast.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

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

// The queue's Redis clients and the OpenAI SDK are over half of the CLI's bytes, and only `--queue`,
// `orch worker` or an OpenAI agent use them: they go in bundles of their own, required at first use,
// so every other start neither reads them nor keeps them in memory (its forks copy less, too).
const VENDORS = { bullmq: 'queue', ioredis: 'queue', openai: 'openai' };
const vendorFile = (name) => `./cli-vendor-${name}.js`;
const vendorStubs = {
  name: 'vendor-stubs',
  setup(b) {
    b.onResolve({ filter: /^(bullmq|ioredis|openai)$/ }, (args) => ({ path: args.path, namespace: 'vendor' }));
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(vendorFile(VENDORS[args.path]))})[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/cli-vendor-/ }, (args) => ({ path: args.path, external: true }));
  },
};
const vendorBundle = (name) => ({
  ...common,
  stdin: {
    contents: `module.exports = { ${Object.keys(VENDORS)
      .filter((pkg) => VENDORS[pkg] === name)
      .map((pkg) => `${JSON.stringify(pkg)}: require(${JSON.stringify(pkg)})`)
      .join(', ')} };`,
    resolveDir: '.',
    loader: 'js',
  },
  outfile: `dist/${vendorFile(name).slice(2)}`,
  sourcemap: false,
});

await Promise.all([
  // `orch` is a small loader (dist/cli.js) that runs the bundle (dist/cli-main.js) from V8's code
  // cache. The bundle has no `import()` left: a script run that way cannot import without a flag.
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js', supported: { 'dynamic-import': false }, plugins: [vendorStubs] }),
  build(vendorBundle('queue')),
  build(vendorBundle('openai')),
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

// esbuild escapes non-ASCII characters in code but keeps them in comments (a zod locale's, an em
// dash): one is enough to make the whole bundle a two-byte string, which dist/cli.js reads and
// decodes at every start in about three times the CPU of an ASCII one (and holds twice as big).
// Such characters after a line's `//` become `?`, as many code units as they had, so the source
// map's columns hold; any elsewhere stay, and the loader then decodes the bundle as UTF-8.
const bundleText = readFileSync('dist/cli-main.js', 'utf8');
writeFileSync(
  'dist/cli-main.js',
  bundleText.replace(/^(.*?\/\/)(.*[\u0080-\uffff].*)$/gm, (line, code, comment) => (/[\u0080-\uffff]/.test(code) ? line : code + comment.replace(/[\u0080-\uffff]/g, '?'))),
);
