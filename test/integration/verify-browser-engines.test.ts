import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBrowser, browserSession } from '../../src/orchestrator/engine/verify-browser';
import { verifyChecks } from '../../src/orchestrator/engine/verify-task';
import { firefoxLauncher } from '../../src/orchestrator/verify/firefox-page';
import { webkitLauncher } from '../../src/orchestrator/verify/webkit-page';
import type { BrowserEngine } from '../../src/protocol/browser-check';
import type { VerifyCheck } from '../../src/protocol/domain';
import type { CheckResult } from '../../src/protocol/events';
import { missingEngines } from '../support/browser-engines';

const ENGINES: readonly BrowserEngine[] = ['chromium', 'firefox', 'webkit'];

// A small app: a name field, a Save button that says hello, and a second page.
const INDEX = `<!doctype html><meta name="viewport" content="width=device-width">
<title>Greeter</title><h1>Greeter</h1>
<input id="name" placeholder="name"><button id="save" onclick="save()">Save</button>
<p id="status"></p><a href="about.html">About</a>
<script>
function save() { const n = document.getElementById('name').value; document.getElementById('status').textContent = 'Saved ' + n; console.error('audit log offline'); }
document.getElementById('name').addEventListener('keydown', (e) => { if (e.key === 'Enter') document.getElementById('status').textContent = 'Entered ' + e.target.value; });
</script>`;
const ABOUT = '<!doctype html><h1>About the greeter</h1>';

function isPng(path: string | undefined): boolean {
  const bytes = readFileSync(path ?? '');
  return bytes.length > 500 && bytes.subarray(1, 4).toString('latin1') === 'PNG';
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('browser checks in Chromium, Firefox and WebKit, with scripted steps', function () {
  this.timeout(180_000);
  let dir = '';
  let evidence = '';
  let results: CheckResult[] = [];
  const flow = (results_: CheckResult[], label: string): CheckResult[] => results_.filter((r) => r.check.startsWith(label));

  before(async function () {
    const missing = missingEngines();
    if (missing !== undefined) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'orch-engines-'));
    const cwd = join(dir, 'worktree');
    evidence = join(dir, 'evidence');
    mkdirSync(join(cwd, 'site'), { recursive: true });
    writeFileSync(join(cwd, 'site', 'index.html'), INDEX);
    writeFileSync(join(cwd, 'site', 'about.html'), ABOUT);
    const port = await freePort();
    writeFileSync(
      join(cwd, 'site', 'server.js'),
      `const fs = require('node:fs'); require('node:http').createServer((q, s) => { const f = __dirname + (q.url === '/' ? '/index.html' : q.url); s.setHeader('content-type', 'text/html'); fs.existsSync(f) ? s.end(fs.readFileSync(f)) : (s.statusCode = 404, s.end('gone')); }).listen(${port}, '127.0.0.1');\n`,
    );
    const url = `http://127.0.0.1:${port}/`;
    const checks: VerifyCheck[] = [
      {
        kind: 'browser',
        url,
        serve: 'node site/server.js',
        expect: 'Greeter',
        browsers: [...ENGINES],
        viewport: { width: 480, height: 800 },
        timeoutSec: 20,
        steps: [
          { fill: { selector: '#name', value: 'Ada' } },
          { press: 'Enter' },
          { expect: { text: 'Entered Ada' } },
          { click: '#save' },
          { expect: { selector: '#status', text: 'Saved Ada' } },
          { screenshot: 'saved' },
          { goto: 'about.html' },
          { expect: { text: 'About the greeter' } },
        ],
      },
      {
        kind: 'browser',
        url: 'site/index.html',
        browsers: [...ENGINES],
        timeoutSec: 3,
        steps: [{ fill: { selector: '#name', value: 'Bob' } }, { click: '#publish' }, { expect: { text: 'Published' } }],
      },
    ];
    results = await verifyChecks(checks, { cwd, evidenceDir: evidence, evidencePrefix: 'E-T1-1', defaultCommandTimeoutSec: 30, env: { ORCH_RUN_ID: `engines-${process.pid}` } });
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('gives one result per engine, named by engine, in the order the check lists them', () => {
    assert.deepEqual(
      results.map((r) => r.check.replace(/http:\/\/127\.0\.0\.1:\d+\//, 'URL')),
      [...ENGINES.map((e) => `browser URL in ${e}`), ...ENGINES.map((e) => `browser site/index.html in ${e}`)],
    );
  });

  it('passes the served flow (fill, click, expect, press, goto) in every engine, each step as evidence', () => {
    for (const result of flow(results, 'browser http')) {
      assert.ok(result.passed, `${result.check}: ${result.detail}`);
      const browser = result.browser!;
      assert.equal(browser.status, 200, result.check);
      assert.deepEqual(
        browser.steps.map((s) => [s.index, s.passed]),
        [1, 2, 3, 4, 5, 6, 7, 8].map((i) => [i, true]),
      );
      assert.match(browser.steps[6]!.detail, /^opened http:\/\/127\.0\.0\.1:\d+\/about\.html \(HTTP 200\)$/);
      assert.match(browser.text, /About the greeter/);
      assert.match(result.detail, /shows "Greeter"; 8 step\(s\) passed/);
    }
  });

  it('keeps a screenshot per engine, a frame per step, and the named screenshot', () => {
    for (const result of flow(results, 'browser http')) {
      const browser = result.browser!;
      assert.equal(result.evidencePath, browser.screenshot);
      assert.ok(isPng(browser.screenshot), `${result.check}: final screenshot`);
      assert.ok(browser.screenshot!.endsWith(`-check1-${browser.engine}.png`), browser.screenshot);
      for (const step of browser.steps) assert.ok(isPng(step.screenshot), `${result.check} step ${step.index}`);
      assert.ok(browser.steps[5]!.screenshot!.endsWith(`-${browser.engine}-saved.png`));
      const log = readFileSync(browser.log!, 'utf8');
      assert.match(log, new RegExp(`^# browser http://127\\.0\\.0\\.1:\\d+/ in ${browser.engine}$`, 'm'));
      assert.match(log, /^ {2}5\. ok expect "#status" showing "Saved Ada"/m);
    }
    assert.match(readFileSync(join(evidence, 'E-T1-1-check1-serve.log'), 'utf8'), /^\$ node site\/server\.js/, 'one server for the three engines');
  });

  it('records the console error the click caused, in every engine', () => {
    for (const result of flow(results, 'browser http')) assert.ok(result.browser!.consoleErrors.some((e) => e.includes('audit log offline')), `${result.check}: ${result.browser!.consoleErrors.join(' | ')}`);
  });

  it('opens the page at the asked viewport width (WebKit: the nearest its window allows)', () => {
    const widths = Object.fromEntries(flow(results, 'browser http').map((r) => [r.browser!.engine, r.browser!.viewport?.width]));
    assert.equal(widths.chromium, 480);
    assert.equal(widths.firefox, 480);
    assert.ok(widths.webkit !== undefined && widths.webkit >= 480 && widths.webkit < 600, `webkit width ${widths.webkit}`);
  });

  it('fails a broken flow at the step that broke, in every engine, with a screenshot of it', () => {
    for (const result of flow(results, 'browser site/')) {
      assert.equal(result.passed, false, result.check);
      assert.equal(result.unavailable, undefined);
      assert.match(result.detail, /^step 2 of 3 \(click "#publish"\) failed: /, result.check);
      const steps = result.browser!.steps;
      assert.deepEqual(
        steps.map((s) => [s.index, s.passed]),
        [
          [1, true],
          [2, false],
        ],
        'the flow stops at the failed step',
      );
      assert.equal(result.evidencePath, steps[1]!.screenshot);
      assert.ok(isPng(result.evidencePath), `${result.check}: screenshot of the failure`);
    }
  });

  it('reports an engine that is not installed as unavailable, never as a pass', async () => {
    const [firefox, webkit] = await checkBrowser(
      { kind: 'browser', url: 'site/index.html', browsers: ['firefox', 'webkit'] },
      {
        cwd: join(dir, 'worktree'),
        session: browserSession('/usr/bin/chromium', dir),
        launchers: { firefox: firefoxLauncher('/opt/no-such/firefox', dir), webkit: webkitLauncher('/opt/no-such/WebKitWebDriver') },
        evidenceBase: join(evidence, 'missing'),
      },
    );
    assert.deepEqual([firefox?.passed, firefox?.unavailable, webkit?.passed, webkit?.unavailable], [false, true, false, true]);
    assert.match(firefox!.detail, /^Firefox not found at \/opt\/no-such\/firefox: install it \(Debian: apt-get install firefox-esr\)/);
    assert.match(webkit!.detail, /^WebKit needs \/opt\/no-such\/WebKitWebDriver: install it \(Debian: apt-get install webkit2gtk-driver\)/);
  });
});
