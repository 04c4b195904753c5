// POST /api/v1/runs for real: the server starts `orch run` as its own process (the real claude CLI
// against the scripted model), answers with the run id once that process holds the workspace,
// and the run completes; the start is in the audit log under the token's name, once.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { slow } from '../../src/scripted-model/scenarios';
import type { AuditEntry } from '../../src/orchestrator/audit/audit-entry';
import { createToken, tokensFile } from '../../src/orchestrator/tokens/token-store';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import { CLAUDE_BIN } from '../support/claude-harness';
import { engineFixture, prd, REPO_ROOT } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import { bearer, http, startTestServer } from './server-harness';

describe('POST /api/v1/runs starts a run that completes', function () {
  this.timeout(180_000);
  const tmp = useTempDir();

  it('answers 202 with the run id, refuses a second start while it runs (409), and the run completes, audited once', async () => {
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, slow(300, demoScenario));
    const server = await startTestServer(fixture.workspace, {
      orch: { argv: [process.execPath, '--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts')], env: { ...fixture.env, ORCH_CLAUDE_PATH: CLAUDE_BIN } },
    });
    try {
      const { token } = await createToken(tokensFile(workspacePaths(fixture.workspace)), { name: 'ci', scope: 'control' });
      const post = (body: unknown) =>
        http(server.port, { method: 'POST', path: '/api/v1/runs', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const started = await post({ roadmap: 'roadmap.md', parallel: 1, budgetUsd: 2 });
      assert.equal(started.status, 202, started.body);
      const { value } = started.json() as { value: { runId: string; pid: number; log: string } };
      assert.match(value.runId, /^\d{8}T\d{6}-[0-9a-f]+$/);
      assert.ok(existsSync(join(fixture.workspace, value.log)));

      const second = await post({ roadmap: 'roadmap.md' });
      const finishedEarly = readFileSync(join(fixture.workspace, '.orch', 'runs', value.runId, 'events.jsonl'), 'utf8').includes('"run.finished"');
      // The first run holds the workspace unless it has already ended (then the second simply starts).
      if (!finishedEarly) assert.equal(second.status, 409, second.body);

      const snapshot = async () => (await http(server.port, { path: `/api/v1/runs/${value.runId}`, headers: { Authorization: `Bearer ${token}` } })).json() as { value?: { state: string } };
      let state = '';
      for (let waited = 0; waited < 150_000; waited += 250) {
        state = (await snapshot()).value?.state ?? '';
        if (state !== 'running' && state !== '') break;
        await sleep(250);
      }
      assert.equal(state, 'completed', readFileSync(join(fixture.workspace, value.log), 'utf8'));
      assert.ok(fixture.events(value.runId).some((e) => e.type === 'task.verified'));

      const audit = readFileSync(join(fixture.workspace, '.orch', 'audit.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEntry);
      const starts = audit.filter((e) => e.action === 'run.start');
      const first = starts.find((e) => e.outcome === 'succeeded' && e.target === value.runId);
      assert.ok(first !== undefined, JSON.stringify(starts));
      assert.deepEqual([first.who.kind, first.who.name], ['token', 'ci']);
      assert.equal(starts.filter((e) => e.who.kind === 'cli').length, 0, 'the child orch run does not record the start a second time');
      if (!finishedEarly) assert.ok(starts.some((e) => e.outcome === 'failed' && /409/.test(e.error ?? '')), JSON.stringify(starts));
    } finally {
      await server.close();
      await fixture.model.close();
    }
  });

  it('answers 400 with every detail of an input error of several lines, without the CLI\'s prefix', async () => {
    const workspace = join(tmp.path, 'bad-config');
    mkdirSync(join(workspace, '.orch'), { recursive: true });
    writeFileSync(join(workspace, 'roadmap.md'), '# Roadmap\n');
    writeFileSync(join(workspace, '.orch', 'config.json'), '{\n  "parallel": "two",\n  "bogusKey": 1\n}\n');
    const server = await startTestServer(workspace, { orch: { argv: [process.execPath, '--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts')], env: {} } });
    try {
      const reply = await http(server.port, {
        method: 'POST',
        path: '/api/v1/runs',
        headers: { ...bearer(server), 'Content-Type': 'application/json' },
        body: JSON.stringify({ roadmap: 'roadmap.md' }),
      });
      assert.equal(reply.status, 400, reply.body);
      const { ok, error } = reply.json() as { ok: boolean; error: string };
      assert.equal(ok, false);
      assert.match(error, /config\.json:2: parallel: /, error);
      assert.match(error, /config\.json:3: unknown key "bogusKey"/, error);
      assert.doesNotMatch(error, /(^|\n)orch: /, error);
    } finally {
      await server.close();
    }
  });
});
