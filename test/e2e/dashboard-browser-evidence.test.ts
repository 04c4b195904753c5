import { strict as assert } from 'node:assert';
import type { CheckResult, NewEvent } from '../../src/protocol/events';
import { failedChecksRunEvents } from '../integration/server-harness';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

const RUN_ID = '20261202T010000-b40b40';
const EV = '/ws/.orch/runs/r/evidence/PRD-1-T1-1-check1';

/** A check run in three engines: Chromium passed its steps, Firefox failed the second, WebKit is not installed. */
const CHECKS: CheckResult[] = [
  {
    check: 'browser http://127.0.0.1:5173/ in chromium',
    passed: true,
    detail: 'HTTP 200; 2 step(s) passed; 0 console error(s)',
    evidencePath: `${EV}-chromium.png`,
    browser: {
      engine: 'chromium',
      status: 200,
      consoleErrors: [],
      text: 'Counter Count: 1',
      screenshot: `${EV}-chromium.png`,
      viewport: { width: 390, height: 844 },
      steps: [
        { index: 1, step: 'click "#plus"', passed: true, detail: 'clicked "#plus"', ms: 40, screenshot: `${EV}-chromium-step1.png` },
        { index: 2, step: 'expect "#count" showing "1"', passed: true, detail: '"#count" is shown with "1"', ms: 12, screenshot: `${EV}-chromium-step2.png` },
      ],
      ms: 2100,
    },
  },
  {
    check: 'browser http://127.0.0.1:5173/ in firefox',
    passed: false,
    detail: 'step 2 of 2 (expect "#count" showing "1") failed: expected a visible "#count" showing "1" within 3 s',
    evidencePath: `${EV}-firefox-step2.png`,
    browser: {
      engine: 'firefox',
      status: 200,
      consoleErrors: ['TypeError: count is null'],
      text: 'Counter Count: 0',
      screenshot: `${EV}-firefox-step2.png`,
      viewport: { width: 390, height: 844 },
      steps: [
        { index: 1, step: 'click "#plus"', passed: true, detail: 'clicked "#plus"', ms: 30, screenshot: `${EV}-firefox-step1.png` },
        { index: 2, step: 'expect "#count" showing "1"', passed: false, detail: 'expected a visible "#count" showing "1" within 3 s', ms: 3000, screenshot: `${EV}-firefox-step2.png` },
      ],
      ms: 9000,
    },
  },
  {
    check: 'browser http://127.0.0.1:5173/ in webkit',
    passed: false,
    unavailable: true,
    detail: 'WebKit needs /usr/bin/WebKitWebDriver: install it (Debian: apt-get install webkit2gtk-driver) or set ORCH_WEBKIT_DRIVER',
    browser: { engine: 'webkit', unavailable: true, consoleErrors: [], text: '', steps: [], ms: 1 },
  },
];

function events(): NewEvent[] {
  return failedChecksRunEvents(CHECKS, '2 of 3 checks failed');
}

describe('dashboard in a real browser: a browser check\'s evidence per engine', function () {
  const run = useDashboardRun('orch-e2e-engines-', RUN_ID, events);

  it('shows each engine\'s status, viewport and steps on the task page, and an engine that could not run', async () => {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, 1280);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.goto(`${run.server.url}#/task/${encodeURIComponent('PRD-1/T1')}`);
    await page.getByRole('heading', { level: 1, name: 'T1: Task T1' }).waitFor();
    const checks = page.getByRole('region', { name: 'Verification checks' });
    for (const summary of await checks.locator('summary').all()) await summary.click();
    const firefox = checks.getByRole('table', { name: 'Steps in firefox' });
    assert.deepEqual(
      (await firefox.getByRole('rowheader').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()),
      ['✓ passed click "#plus"', '✗ failed expect "#count" showing "1"'],
    );
    await firefox.getByText('PRD-1-T1-1-check1-firefox-step2.png').waitFor();
    await checks.getByRole('table', { name: 'Steps in chromium' }).waitFor();
    await checks.getByText('390×844').first().waitFor();
    await checks.getByRole('list', { name: 'Console errors in firefox' }).getByText('TypeError: count is null').waitFor();
    await checks.getByText('webkit is not available on this machine: no verdict from it.').waitFor();
    assert.deepEqual(problems, []);
  });

  it('fits 390 px without horizontal scrolling, the steps open', async () => {
    const { page } = await openDashboardPage(run.browser(), run.server, 390);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.goto(`${run.server.url}#/task/${encodeURIComponent('PRD-1/T1')}`);
    const checks = page.getByRole('region', { name: 'Verification checks' });
    for (const summary of await checks.locator('summary').all()) await summary.click();
    await checks.getByRole('table', { name: 'Steps in firefox' }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0);
  });
});
