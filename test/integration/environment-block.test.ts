import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_CHROMIUM_PATH } from '../../src/orchestrator/engine/verify-browser';
import type { OrchEvent } from '../../src/protocol/events';
import { finish, promptIncludes, route, steps, writeTool } from '../../src/scripted-model/scenarios';
import { CLAUDE_BIN } from '../support/claude-harness';
import { engineFixture, REPO_ROOT, type EngineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const PAGE = '<!doctype html><title>Orch</title><h1>Dashboard</h1>';
const server = (port: number): string =>
  `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'text/html'); s.end('<h1>Orders dashboard</h1>'); }).listen(${port}, '127.0.0.1');\n`;

function pagePrd(check: string): string {
  return `---
id: PRD-E
milestone: "1.1"
title: Pages
tasks:
  - id: T1
    title: Build the page
    description: Write the page and what serves it.
    agent: frontend-engineer
    phase: implementation
    verify:
${check}
---
# Pages
`;
}

function listen(handler: RequestListener): Promise<Server> {
  const s = createServer(handler);
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

function close(s: Server): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

/** `orch resume` from source, as a user runs it once the machine is fixed. */
function resume(f: EngineFixture, runId: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts'), 'resume', runId, '--no-dashboard', '--workspace', f.workspace, '--claude-path', CLAUDE_BIN], {
    cwd: f.workspace,
    env: f.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

function blockedEvents(events: readonly OrchEvent[]): Extract<OrchEvent, { type: 'task.blocked' }>[] {
  return events.filter((e): e is Extract<OrchEvent, { type: 'task.blocked' }> => e.type === 'task.blocked');
}

describe('a check the machine cannot run blocks its task without a paid rework; resume re-verifies (real claude CLI)', function () {
  this.timeout(180_000);
  const tmp = useTempDir();

  before(function () {
    if (!existsSync(DEFAULT_CHROMIUM_PATH)) {
      console.log(`    skipped: ${DEFAULT_CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
      this.skip();
    }
  });

  it('no Chromium: one attempt, blocked naming the path; resumed with Chromium there, verified with no new attempt', async () => {
    const scenario = route([{ when: promptIncludes('## Task T1:'), then: steps([writeTool('public/index.html', PAGE)], finish('Wrote the page.')) }], finish('Nothing to do.'));
    const f = await engineFixture(tmp.path, { 'e.md': pagePrd('      - browser: { url: public/index.html, expect: Dashboard }') }, scenario);
    try {
      const missing = join(tmp.path, 'no-chromium');
      const outcome = await f.run({ config: { maxAttempts: 3, chromiumPath: missing } });
      assert.equal(outcome.result, 'failed');
      const task = outcome.snapshot.tasks['PRD-E/T1']!;
      assert.equal(task.state, 'blocked');
      assert.deepEqual(task.attempts, ['PRD-E/T1#1'], 'no rework was paid for');
      assert.equal(task.defects, 0, 'the work was not at fault');
      assert.match(task.error ?? '', new RegExp(`^environment: the checks could not run here: browser public/index.html: Chromium not found at ${missing}: .*; fix that, then \`orch resume\` runs the checks again, without a new attempt$`));
      const [blocked] = blockedEvents(f.events(outcome.runId));
      assert.equal(blocked?.environment, true);
      assert.equal(blocked.checks?.[0]?.unavailable, true);
      const requests = f.model.modelRequests().length;
      assert.ok(requests > 0);

      // The config no longer points at a missing Chromium: the default one is used.
      const resumed = await resume(f, outcome.runId);
      assert.equal(resumed.code, 0, resumed.out);
      const events = f.events(outcome.runId);
      const verified = events.find((e) => e.type === 'task.verified' && e.taskId === 'PRD-E/T1');
      assert.ok(verified?.type === 'task.verified' && verified.checks[0]?.passed === true, JSON.stringify(verified));
      assert.deepEqual(events.filter((e) => e.type === 'attempt.started').map((e) => (e as { attemptId: string }).attemptId), ['PRD-E/T1#1'], 'still one attempt');
      assert.equal(f.model.modelRequests().length, requests, 'the model was not asked again');
      assert.match(resumed.out, /verified\s+PRD-E\/T1\s+\S+\s+1 attempt\(s\)/);
    } finally {
      await f.model.close();
    }
  });

  it("a serve check's port held by another server: blocked after one attempt; once the port is free, resume verifies that attempt", async () => {
    const squatter = await listen((_, res) => res.end('someone else'));
    const port = (squatter.address() as AddressInfo).port;
    const check = `      - browser:\n          url: http://127.0.0.1:${port}/\n          expect: Orders dashboard\n          timeout: 10\n          serve: node site/server.js`;
    const scenario = route([{ when: promptIncludes('## Task T1:'), then: steps([writeTool('site/server.js', server(port))], finish('Wrote the server.')) }], finish('Nothing to do.'));
    const f = await engineFixture(tmp.path, { 'e.md': pagePrd(check) }, scenario);
    try {
      let outcome;
      try {
        outcome = await f.run({ config: { maxAttempts: 3 } });
      } finally {
        await close(squatter);
      }
      const task = outcome.snapshot.tasks['PRD-E/T1']!;
      assert.equal(task.state, 'blocked', JSON.stringify(task));
      assert.deepEqual(task.attempts, ['PRD-E/T1#1']);
      assert.match(task.error ?? '', new RegExp(`^environment: .*serve \`node site/server.js\`: http://127.0.0.1:${port}/ already answers before the command started; another server holds its port`));
      assert.equal(blockedEvents(f.events(outcome.runId))[0]?.environment, true);
      const requests = f.model.modelRequests().length;

      const resumed = await resume(f, outcome.runId);
      assert.equal(resumed.code, 0, resumed.out);
      const events = f.events(outcome.runId);
      assert.ok(events.some((e) => e.type === 'task.verified' && e.taskId === 'PRD-E/T1'));
      assert.equal(events.filter((e) => e.type === 'attempt.started').length, 1, 'still one attempt');
      assert.equal(f.model.modelRequests().length, requests, 'the model was not asked again');
    } finally {
      await f.model.close();
    }
  });
});
