import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promptIncludes, route, steps, claimSuccess, writeTool, finish } from '../../src/scripted-model/scenarios';
import { missingEngines } from '../support/browser-engines';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

function isPng(path: string | undefined): boolean {
  const bytes = readFileSync(path ?? '');
  return bytes.length > 500 && bytes.subarray(1, 4).toString('latin1') === 'PNG';
}

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
    description: 'Write site/index.html, a counter whose "+1" button (#plus) raises the count shown in #count, with a name field (#name) greeting on Enter, site/about.html, and site/server.js serving them on port ${port}.'
    agent: frontend-engineer
    phase: implementation
    verify:
      - browser:
          url: http://127.0.0.1:${port}/
          serve: node site/server.js
          browsers: [chromium, firefox, webkit]
          viewport: { width: 480, height: 800 }
          timeout: 3
          expect: "Count: 0"
          steps:
            - fill: { selector: "#name", value: Ada }
            - press: Enter
            - expect: Hello Ada
            - click: "#plus"
            - expect: { selector: "#count", text: "1" }
            - screenshot: counted
            - goto: about.html
            - expect: About the counter
---
# Counter
`;
}

// The greeting works from the start and logs a console error; only the counter is broken at first.
const page = (handler: string): string => `<!doctype html><meta name="viewport" content="width=device-width"><h1>Counter</h1>
<input id="name"><p id="hello"></p><p>Count: <span id="count">0</span></p><button id="plus" onclick="${handler}">+1</button><a href="about.html">About</a>
<script>document.getElementById('name').addEventListener('keydown', (e) => { if (e.key === 'Enter') { document.getElementById('hello').textContent = 'Hello ' + e.target.value; console.error('greeting not saved'); } });</script>`;
const BROKEN = page("console.log('todo')");
const FIXED = page("document.getElementById('count').textContent = String(Number(document.getElementById('count').textContent) + 1)");
const ABOUT = '<!doctype html><h1>About the counter</h1>';
const server = (port: number): string =>
  `const fs = require('node:fs'); require('node:http').createServer((q, s) => { const f = __dirname + (q.url === '/' ? '/index.html' : q.url); s.setHeader('content-type', 'text/html'); fs.existsSync(f) ? s.end(fs.readFileSync(f)) : (s.statusCode = 404, s.end()); }).listen(${port}, '127.0.0.1');\n`;

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
    // One run carries every assertion: three engines are slow to start on this machine.
    const port = await freePort();
    const scenario = route(
      [
        { when: promptIncludes('was not accepted'), then: steps([writeTool('site/index.html', FIXED)], finish('The button now counts.')) },
        { when: promptIncludes('## Task T1:'), then: steps([writeTool('site/server.js', server(port)), writeTool('site/about.html', ABOUT), writeTool('site/index.html', BROKEN)], finish('Done.')) },
      ],
      claimSuccess(),
    );
    const fixture = await engineFixture(tmp.path, { 'counter.md': counterPrd(port) }, scenario);
    try {
      const outcome = await fixture.run({ parallel: 1 });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      assert.deepEqual(outcome.snapshot.tasks['PRD-C/T1']?.attempts, ['PRD-C/T1#1', 'PRD-C/T1#2']);
      const brief = fixture.model.modelRequests().find((r) => r.parsed?.userText.includes('## Task T1:'));
      assert.match(brief?.parsed?.userText ?? '', /shows "Count: 0" \(Orch starts `node site\/server\.js` first[^)]*\), in chromium, firefox, webkit, at 480x800, then these steps pass in order: fill "#name" with "Ada"; press Enter; expect text "Hello Ada"; click "#plus"; expect "#count" showing "1"; screenshot counted; goto "about.html"/);

      const events = fixture.events(outcome.runId);
      const defect = events.find((e) => e.type === 'defect.raised');
      assert.ok(defect?.type === 'defect.raised');
      assert.deepEqual(
        defect.checks.map((c) => [c.check.replace(/:\d+\//, ':PORT/'), c.passed, c.unavailable]),
        ['chromium', 'firefox', 'webkit'].map((e) => [`browser http://127.0.0.1:PORT/ in ${e}`, false, undefined]),
      );
      for (const check of defect.checks) {
        assert.match(check.detail, /^step 5 of 8 \(expect "#count" showing "1"\) failed: expected a visible "#count" showing "1" within 3 s; HTTP 200; the page shows: "Counter Hello Ada Count: 0 \+1 ?About"/, `${check.check}: ${check.detail}`);
        assert.deepEqual(check.browser?.steps.map((s) => s.passed), [true, true, true, true, false], 'the flow stops at the failed step');
        assert.ok(check.evidencePath?.endsWith(`-${check.browser?.engine}-step5.png`), check.evidencePath);
        assert.ok(readFileSync(check.evidencePath ?? '').length > 1000, 'a real screenshot of the failed step');
      }
      const rework = fixture.model.modelRequests().find((r) => r.parsed?.userText.includes('was not accepted'));
      assert.match(rework?.parsed?.userText ?? '', /step 5 of 8 \(expect "#count" showing "1"\) failed/, 'the rework brief names the failed step');

      const verified = events.find((e) => e.type === 'task.verified');
      assert.ok(verified?.type === 'task.verified');
      assert.deepEqual(
        verified.checks.map((c) => [c.browser?.engine, c.passed, c.browser?.status, c.browser?.steps.filter((s) => s.passed).length]),
        [
          ['chromium', true, 200, 8],
          ['firefox', true, 200, 8],
          ['webkit', true, 200, 8],
        ],
      );
      for (const check of verified.checks) {
        const browser = check.browser!;
        assert.equal(check.evidencePath, browser.screenshot);
        assert.ok(isPng(browser.screenshot), `${check.check}: screenshot`);
        for (const step of browser.steps) assert.ok(isPng(step.screenshot), `${check.check}: frame of step ${step.index}`);
        assert.ok(browser.steps[5]?.screenshot?.endsWith(`-${browser.engine}-counted.png`), 'the named screenshot');
        assert.match(browser.steps[6]?.detail ?? '', /^opened http:\/\/127\.0\.0\.1:\d+\/about\.html \(HTTP 200\)$/);
        assert.match(browser.text, /About the counter/);
        assert.ok(browser.consoleErrors.some((e) => e.includes('greeting not saved')), `${check.check}: ${browser.consoleErrors.join(' | ')}`);
        assert.match(readFileSync(browser.log ?? '', 'utf8'), /^ {2}5\. ok expect "#count" showing "1"/m);
      }
      const widths: Partial<Record<string, number>> = Object.fromEntries(verified.checks.map((c) => [c.browser?.engine ?? '?', c.browser?.viewport?.width]));
      assert.equal(widths.chromium, 480);
      assert.equal(widths.firefox, 480);
      // MiniBrowser's window cannot be narrower than its toolbar: the nearest width it allows.
      assert.ok(widths.webkit !== undefined && widths.webkit >= 480 && widths.webkit < 600, `webkit width ${widths.webkit}`);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the served page is stopped after its check');
    } finally {
      await fixture.model.close();
    }
  });
});
