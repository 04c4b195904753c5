import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedModel, type ScriptedModelServer } from '../../scripted-model/server';
import { finish } from '../../scripted-model/scenarios';
import { runClaude } from '../../../test/support/claude-harness';
import { TestWorkspace } from '../../../test/support/agents-workspace';

const REPO = join(__dirname, '..', '..', '..');

// The other direction of compatibility: files Orch ships and reads are files Claude Code itself loads.
describe('agent files and the real claude CLI', function () {
  this.timeout(180_000);
  let ws: TestWorkspace;
  let server: ScriptedModelServer | undefined;
  beforeEach(() => {
    ws = new TestWorkspace();
  });
  afterEach(async () => {
    await server?.close();
    ws.cleanup();
  });

  it('Claude Code loads every built-in agent and the docs examples as sub-agents', async () => {
    mkdirSync(ws.claudeDir, { recursive: true });
    const roster = readdirSync(join(REPO, 'agents')).filter((f) => f.endsWith('.md'));
    for (const file of roster) cpSync(join(REPO, 'agents', file), join(ws.claudeDir, file));
    for (const file of ['claude-docs-example.md', 'claude-docs-data-scientist.md']) {
      cpSync(join(REPO, 'test', 'fixtures', 'agents', file), join(ws.claudeDir, file));
    }
    server = await startScriptedModel({ scenario: finish() });
    const run = await runClaude({ baseUrl: server.url, cwd: ws.workspace, prompt: 'List nothing.', home: ws.homeDir });
    assert.equal(run.exitCode, 0, run.stderr);
    const loaded = run.init?.agents;
    assert.ok(Array.isArray(loaded), `init has no agents list: ${JSON.stringify(run.init)}`);
    for (const name of [...roster.map((f) => f.replace(/\.md$/, '')), 'db-reader', 'data-scientist']) {
      assert.ok(loaded.includes(name), `Claude Code did not load ${name}: ${JSON.stringify(loaded)}`);
    }
  });
});
