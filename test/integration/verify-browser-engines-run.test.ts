import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promptIncludes, route, steps, claimSuccess, writeTool, finish } from '../../src/scripted-model/scenarios';
import { missingEngines } from '../support/browser-engines';
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

/** One task: a counter page served by the agent's own server, clicked and checked in three engines. */
function counterPrd(port: number): string {
  return `---
id: PRD-C
milestone: "1.1"
title: Counter
tasks:
  - id: T1
    title: Build the counter page
    description: Write site/index.html, a counter whose "+1" button (#plus) raises the count shown in #count, and site/server.js serving it on port ${port}.
    agent: frontend-engineer
    phase: implementation
    verify:
      - browser:
          url: http://127.0.0.1:${port}/
          serve: node site/server.js
          browsers: [chromium, firefox, webkit]
          viewport: { width: 480, height: 800 }
          timeout: 5
          steps:
            - expect: "Count: 0"
            - click: "#plus"
            - expect: { selector: "#count", text: "1" }
---
# Counter
`;
}

const page = (handler: string): string =>
  `<!doctype html><h1>Counter</h1><p>Count: <span id="count">0</span></p><button id="plus" onclick="${handler}">+1</button>`;
const BROKEN = page("console.log('todo')");
const FIXED = page("document.getElementById('count').textContent = String(Number(document.getElementById('count').textContent) + 1)");
const server = (port: number): string =>
  `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'text/html'); q.url === '/' ? s.end(require('node:fs').readFileSync(__dirname + '/index.html')) : (s.statusCode = 404, s.end()); }).listen(${port}, '127.0.0.1');\n`;

describe('a click-then-expect flow in three engines, in a run with the real claude CLI', function () {
  this.timeout(300_000);
  const tmp = useTempDir();

  before(function () {
    const missing = missingEngines();
    if (missing !== undefined) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
  });

  it('fails the broken page at the click\'s expectation in every engine with screenshots, and verifies the fixed one in all three', async () => {
    const port = await freePort();
    const scenario = route(
      [
        { when: promptIncludes('was not accepted'), then: steps([writeTool('site/index.html', FIXED)], finish('The button now counts.')) },
        { when: promptIncludes('## Task T1:'), then: steps([writeTool('site/server.js', server(port)), writeTool('site/index.html', BROKEN)], finish('Done.')) },
      ],
      claimSuccess(),
    );
    const fixture = await engineFixture(tmp.path, { 'counter.md': counterPrd(port) }, scenario);
    try {
      const outcome = await fixture.run({ parallel: 1 });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      assert.deepEqual(outcome.snapshot.tasks['PRD-C/T1']?.attempts, ['PRD-C/T1#1', 'PRD-C/T1#2']);
      const brief = fixture.model.modelRequests().find((r) => r.parsed?.userText.includes('## Task T1:'));
      assert.match(brief?.parsed?.userText ?? '', /in chromium, firefox, webkit, at 480x800, then these steps pass in order: expect text "Count: 0"; click "#plus"; expect "#count" showing "1"/);

      const events = fixture.events(outcome.runId);
      const defect = events.find((e) => e.type === 'defect.raised');
      assert.ok(defect?.type === 'defect.raised');
      assert.deepEqual(
        defect.checks.map((c) => [c.check.replace(/:\d+\//, ':PORT/'), c.passed, c.unavailable]),
        ['chromium', 'firefox', 'webkit'].map((e) => [`browser http://127.0.0.1:PORT/ in ${e}`, false, undefined]),
      );
      for (const check of defect.checks) {
        assert.match(check.detail, /^step 3 of 3 \(expect "#count" showing "1"\) failed: expected a visible "#count" showing "1" within 5 s; HTTP 200; the page shows: "Counter Count: 0 \+1"/, check.check);
        assert.deepEqual(check.browser?.steps.map((s) => s.passed), [true, true, false]);
        assert.ok(check.evidencePath?.endsWith(`-${check.browser?.engine}-step3.png`), check.evidencePath);
        assert.ok(readFileSync(check.evidencePath ?? '').length > 1000, 'a real screenshot of the failed step');
      }
      const rework = fixture.model.modelRequests().find((r) => r.parsed?.userText.includes('was not accepted'));
      assert.match(rework?.parsed?.userText ?? '', /step 3 of 3 \(expect "#count" showing "1"\) failed/, 'the rework brief names the failed step');

      const verified = events.find((e) => e.type === 'task.verified');
      assert.ok(verified?.type === 'task.verified');
      assert.deepEqual(
        verified.checks.map((c) => [c.browser?.engine, c.passed, c.browser?.status, c.browser?.steps.length]),
        [
          ['chromium', true, 200, 3],
          ['firefox', true, 200, 3],
          ['webkit', true, 200, 3],
        ],
      );
      for (const check of verified.checks) assert.ok(readFileSync(check.browser?.screenshot ?? '').length > 1000, `${check.check}: screenshot`);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the served page is stopped after its check');
    } finally {
      await fixture.model.close();
    }
  });
});
