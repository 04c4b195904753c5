import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';

// A completed run has nothing left to spend on: `orch resume` refuses it with exit 2 naming its
// log, before any preflight, dashboard or lock, so the workspace is left as it was.
describe('orch resume of a completed run', () => {
  const runId = '20260101T000000-c0ffee';
  let workspace = '';
  let out = '';
  let err = '';
  let code = -1;
  let logBefore = '';

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'orch resume done '));
    const runDir = join(workspace, '.orch', 'runs', runId);
    mkdirSync(runDir, { recursive: true });
    const at = '2026-01-01T00:00:00.000Z';
    logBefore = [
      { type: 'run.started', roadmapFile: join(workspace, 'roadmap.md'), milestones: [], seq: 1, at, runId },
      { type: 'run.finished', state: 'completed', seq: 2, at, runId },
    ].map((e) => `${JSON.stringify(e)}\n`).join('');
    writeFileSync(join(runDir, 'events.jsonl'), logBefore);
    code = await runCli(['resume', runId, '--workspace', workspace], {
      cwd: tmpdir(),
      env: {},
      out: (t) => (out += `${t}\n`),
      err: (t) => (err += `${t}\n`),
    });
  });

  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('exits 2 naming the run, its state and its log', () => {
    assert.equal(code, 2, err);
    assert.match(err, /run 20260101T000000-c0ffee is completed; nothing to resume/);
    assert.ok(err.includes(join(workspace, '.orch', 'runs', runId, 'events.jsonl')), err);
  });

  it('starts no dashboard, runs no preflight and leaves no lock or new event', () => {
    assert.doesNotMatch(out, /dashboard|resuming/);
    assert.doesNotMatch(err, /preflight/);
    assert.equal(existsSync(join(workspace, '.orch', 'lock.json')), false);
    assert.equal(existsSync(join(workspace, '.orch', 'dashboard.json')), false);
    assert.equal(readFileSync(join(workspace, '.orch', 'runs', runId, 'events.jsonl'), 'utf8'), logBefore);
  });
});
