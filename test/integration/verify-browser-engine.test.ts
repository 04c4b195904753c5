import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CHROMIUM_PATH } from '../../src/orchestrator/engine/verify-browser';
import { promptIncludes, route, steps, claimSuccess, writeTool, finish } from '../../src/scripted-model/scenarios';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve) =>
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    }),
  );
}

/** T1 builds a static page checked as a file; T2 a page its own server serves, checked over HTTP. */
function browserPrd(port: number): string {
  return `---
id: PRD-W
milestone: "1.1"
title: Web pages
tasks:
  - id: T1
    title: Build the static dashboard
    description: Write public/index.html showing the Dashboard.
    agent: frontend-engineer
    phase: implementation
    verify:
      - browser: { url: public/index.html, expect: "Dashboard", screenshot: true }
  - id: T2
    title: Serve the orders page
    description: Write site/index.html and site/server.js serving it on port ${port}.
    agent: frontend-engineer
    phase: implementation
    verify:
      - browser:
          url: http://127.0.0.1:${port}/
          expect: Orders dashboard
          screenshot: true
          timeout: 5
          serve: node site/server.js
---
# Web pages
`;
}

const STATIC_PAGE = '<!doctype html><title>Orch</title><style>body{font:24px sans-serif;margin:40px}</style><h1>Dashboard</h1><p>Built by the agent, verified in Chromium.</p>';
const server = (port: number): string =>
  `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'text/html'); s.end(require('node:fs').readFileSync(__dirname + '/index.html')); }).listen(${port}, '127.0.0.1');\n`;

describe('browser checks in a run with the real claude CLI', function () {
  this.timeout(180_000);
  const tmp = useTempDir();

  before(function () {
    if (!existsSync(DEFAULT_CHROMIUM_PATH)) {
      console.log(`    skipped: ${DEFAULT_CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
      this.skip();
    }
  });

  it('verifies a page the agent built, and sends a page without the expected text back for rework', async () => {
    const port = await freePort();
    const scenario = route(
      [
        { when: promptIncludes('was not accepted'), then: steps([writeTool('site/index.html', '<h1>Orders dashboard</h1><p>12 open orders</p>')], finish('Fixed the heading.')) },
        { when: promptIncludes('## Task T1:'), then: steps([writeTool('public/index.html', STATIC_PAGE)], finish('Wrote the page.')) },
        {
          when: promptIncludes('## Task T2:'),
          then: steps([writeTool('site/server.js', server(port)), writeTool('site/index.html', '<h1>Orders</h1><p>Coming soon</p>')], finish('Done.')),
        },
      ],
      claimSuccess(),
    );
    const fixture = await engineFixture(tmp.path, { 'web.md': browserPrd(port) }, scenario);
    try {
      const outcome = await fixture.run({ parallel: 2 });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const t1 = outcome.snapshot.tasks['PRD-W/T1']!;
      const t2 = outcome.snapshot.tasks['PRD-W/T2']!;
      assert.equal(t1.defects, 0);
      assert.equal(t2.defects, 1);
      assert.deepEqual(t2.attempts, ['PRD-W/T2#1', 'PRD-W/T2#2']);

      const events = fixture.events(outcome.runId);
      const defect = events.find((e) => e.type === 'defect.raised' && e.taskId === 'PRD-W/T2');
      assert.ok(defect?.type === 'defect.raised');
      const [failed] = defect.checks;
      assert.equal(failed?.passed, false);
      assert.match(failed.detail, /^expected the page to show "Orders dashboard" within 5 s; HTTP 200; the page shows: "Orders Coming soon"/);
      const rework = fixture.model.modelRequests().find((r) => r.parsed?.userText.includes('was not accepted'));
      assert.match(rework?.parsed?.userText ?? '', /expected the page to show "Orders dashboard"/, 'the rework brief says what the page lacked');

      const evidenceDir = `${fixture.workspace}/.orch/runs/${outcome.runId}/evidence/`;
      for (const task of ['PRD-W/T1', 'PRD-W/T2']) {
        const verified = events.find((e) => e.type === 'task.verified' && e.taskId === task);
        assert.ok(verified?.type === 'task.verified');
        const [check] = verified.checks;
        assert.ok(check?.passed, check?.detail);
        assert.ok(check.evidencePath?.startsWith(evidenceDir) === true && check.evidencePath.endsWith('.png'), check.evidencePath);
        assert.ok(readFileSync(check.evidencePath).length > 1000, `${check.evidencePath} is a real screenshot`);
      }
      assert.match(readFileSync(`${evidenceDir}PRD-W-T2-2-check1-serve.log`, 'utf8'), /^\$ node site\/server\.js/);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the served page is stopped after its check');
    } finally {
      await fixture.model.close();
    }
  });
});
