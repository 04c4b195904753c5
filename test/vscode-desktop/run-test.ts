// `npm run test:vscode-desktop`: the extension's tests inside desktop VS Code's own extension host,
// through @vscode/test-electron. It downloads VS Code (into .cache/vscode-test), so it needs
// update.code.visualstudio.com; machines without it run `npm run test:vscode` (code-server).
// ORCH_VSCODE_EXECUTABLE points it at an installed VS Code instead of downloading one.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const repoRoot = resolve(__dirname, '..', '..');
const cache = join(repoRoot, '.cache', 'vscode-test');

async function main(): Promise<number> {
  // The suite runs inside VS Code's Node, which cannot load TypeScript: bundle it (vscode and
  // mocha stay outside, resolved at run time from the host and node_modules).
  const suite = join(cache, 'suite', 'index.js');
  await build({ entryPoints: [join(__dirname, 'suite', 'index.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha'], logLevel: 'warning' });

  let vscodeExecutablePath = process.env.ORCH_VSCODE_EXECUTABLE;
  if (vscodeExecutablePath === undefined) {
    try {
      vscodeExecutablePath = await downloadAndUnzipVSCode({ cachePath: cache, version: 'stable', timeout: 60_000 });
    } catch (error) {
      console.error(
        `test:vscode-desktop: could not download VS Code: ${error instanceof Error ? error.message : String(error)}\n` +
          'This suite needs access to update.code.visualstudio.com, or ORCH_VSCODE_EXECUTABLE set to an installed VS Code.\n' +
          'Without either, `npm run test:vscode` runs the extension in a real VS Code through code-server.',
      );
      return 1;
    }
  }

  // A fixture workspace: the example roadmap, shown in the Roadmap view through orch.defaultRoadmap.
  const root = mkdtempSync(join(tmpdir(), 'orch-vscode-desktop-'));
  const workspace = join(root, 'workspace');
  try {
    cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'orch.defaultRoadmap': 'roadmap.md' }));
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', join(root, 'user-data')],
      extensionTestsEnv: { ORCH_DESKTOP_WORKSPACE: workspace },
    });
    return 0;
  } catch (error) {
    console.error(`test:vscode-desktop: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
