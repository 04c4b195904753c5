import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { CliRun, cliRunArgs } from '../../src/extension/cli-run';
import { defaultConfig } from '../../src/orchestrator/config/orch-config';
import { engineFixture, prd, REPO_ROOT } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

describe("the editor's run process (CliRun) and the preflight", function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('hands the editor every preflight problem, not just the last line, and passes --no-git through', async () => {
    const f = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, demoScenario);
    try {
      // The extension runs `dist/cli.js` beside it: here, the CLI from source behind that name.
      const extensionPath = join(tmp.path, 'extension');
      mkdirSync(join(extensionPath, 'dist'), { recursive: true });
      const loader = join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
      const main = join(REPO_ROOT, 'src/cli/main.ts');
      writeFileSync(
        join(extensionPath, 'dist', 'cli.js'),
        `const { spawnSync } = require('node:child_process');\nconst r = spawnSync(process.execPath, ['--import', ${JSON.stringify(loader)}, ${JSON.stringify(main)}, ...process.argv.slice(2)], { stdio: 'inherit' });\nprocess.exit(r.status ?? 1);\n`,
      );
      const missing = join(tmp.path, 'no-claude');
      const args = cliRunArgs({ workspace: f.workspace, roadmapFile: join(f.workspace, 'roadmap.md'), milestones: [], config: { ...defaultConfig, claudePath: missing }, noGit: true });
      assert.ok(args.includes('--no-git'));
      const lines: string[] = [];
      const child = new CliRun({
        extensionPath,
        workspace: f.workspace,
        args,
        env: { ...f.env, ANTHROPIC_API_KEY: '', ANTHROPIC_AUTH_TOKEN: '', CLAUDE_CODE_OAUTH_TOKEN: '', CLAUDE_CODE_USE_BEDROCK: '', CLAUDE_CODE_USE_VERTEX: '' },
        log: (line) => lines.push(line),
      });
      assert.equal(await child.exit, 2, lines.join('\n'));
      const why = child.lastErrorLine ?? '';
      assert.match(why, new RegExp(`^orch: preflight: the claude CLI at ${missing} \\(from --claude-path\\) was not found: .*; no Claude credentials for PRD-A/T1: `));
      assert.equal(lines.filter((l) => l.startsWith('orch: preflight: ')).length, 2, lines.join('\n'));
      assert.equal(f.model.requests.length, 0);
    } finally {
      await f.model.close();
    }
  });
});
