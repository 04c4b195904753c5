import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult, NewEvent } from '../../src/protocol/events';
import type { EventLog } from '../../src/orchestrator/events/event-log';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import type { DashboardServer } from '../../src/server/dashboard-server';
import { bearer, failedChecksRunEvents, http, startTestServer, writeRun } from '../integration/server-harness';
import { useChromium } from '../support/chromium';
import { openDashboardPage } from '../support/dashboard-page';
import { useTempDir } from '../support/temp-dir';

const RUN_ID = '20261202T020000-e1e1e1';

function events(evidence: string): NewEvent[] {
  const shot = (name: string) => join(evidence, name);
  const check: CheckResult = {
    check: 'browser http://127.0.0.1:5173/ in chromium',
    passed: false,
    detail: 'step 1 of 1 failed',
    evidencePath: shot('PRD-1-T1-1-check1-chromium.png'),
    browser: {
      engine: 'chromium',
      status: 200,
      consoleErrors: [],
      text: 'Counter',
      screenshot: shot('PRD-1-T1-1-check1-chromium.png'),
      viewport: { width: 390, height: 844 },
      steps: [
        { index: 1, step: 'click "#plus"', passed: true, detail: 'clicked "#plus"', ms: 40, screenshot: shot('PRD-1-T1-1-check1-chromium-step1.png') },
        // A path outside the run's evidence: the page names it and never asks for it.
        { index: 2, step: 'click "#minus"', passed: false, detail: 'no "#minus"', ms: 40, screenshot: '/etc/../etc/passwd.png' },
      ],
      ms: 2100,
    },
  };
  return failedChecksRunEvents([check], '1 of 1 checks failed');
}

describe("dashboard in a real browser: a browser check's screenshots as images", function () {
  const dir = useTempDir('orch-e2e-evidence-');
  const chromium = useChromium();
  let server: DashboardServer | undefined;
  let log: EventLog | undefined;

  beforeEach(async () => {
    const evidence = workspacePaths(dir.path).evidenceDir(RUN_ID);
    mkdirSync(evidence, { recursive: true });
    // Real screenshots, as a browser check takes them: a 320×200 page.
    const shooter = await chromium.browser().newPage({ viewport: { width: 320, height: 200 } });
    await shooter.setContent('<body style="margin:0;background:#2a6"><h1>evidence</h1></body>');
    await shooter.screenshot({ path: join(evidence, 'PRD-1-T1-1-check1-chromium.png') });
    await shooter.close();
    copyFileSync(join(evidence, 'PRD-1-T1-1-check1-chromium.png'), join(evidence, 'PRD-1-T1-1-check1-chromium-step1.png'));
    writeFileSync(join(dir.path, 'outside.png'), 'not evidence');
    symlinkSync(join(dir.path, 'outside.png'), join(evidence, 'link-out.png'));
    log = await writeRun(dir.path, RUN_ID, events(evidence));
    server = await startTestServer(dir.path);
  });
  afterEach(async () => {
    await server?.close();
    await log?.close();
  });

  it('shows each screenshot as a thumbnail that opens full size, under the page CSP', async () => {
    const { page, problems } = await openDashboardPage(chromium.browser(), server!, 1280);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.goto(`${server!.url}#/task/${encodeURIComponent('PRD-1/T1')}`);
    const checks = page.getByRole('region', { name: 'Verification checks' });
    for (const summary of await checks.locator('summary').all()) await summary.click();
    const shot = checks.getByRole('img', { name: 'Screenshot PRD-1-T1-1-check1-chromium.png', exact: true });
    const frame = checks.getByRole('table', { name: 'Steps in chromium' }).getByRole('img', { name: 'Screenshot PRD-1-T1-1-check1-chromium-step1.png', exact: true });
    for (const image of [shot, frame]) {
      await image.waitFor();
      await page.waitForFunction((img) => img instanceof HTMLImageElement && img.complete, await image.elementHandle());
      assert.equal(await image.evaluate((img: HTMLImageElement) => img.naturalWidth), 320);
      assert.match((await image.getAttribute('src')) ?? '', /^blob:/);
    }
    // The names stay as text; a path outside the run's evidence is named, never asked for.
    await checks.getByText('PRD-1-T1-1-check1-chromium-step1.png', { exact: true }).waitFor();
    await checks.getByText('passwd.png', { exact: true }).waitFor();
    assert.equal(await checks.getByRole('table', { name: 'Steps in chromium' }).getByRole('img').count(), 1);
    await checks.getByRole('button', { name: 'Show PRD-1-T1-1-check1-chromium.png full size' }).click();
    const dialog = page.getByRole('dialog', { name: 'Screenshot PRD-1-T1-1-check1-chromium.png' });
    const full = dialog.getByRole('img', { name: 'Screenshot PRD-1-T1-1-check1-chromium.png, full size' });
    await full.waitFor();
    assert.deepEqual(await full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight, img.getBoundingClientRect().width]), [320, 200, 320]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.deepEqual(problems, []);
  });

  it('fits 390 px with the thumbnails shown', async () => {
    const { page } = await openDashboardPage(chromium.browser(), server!, 390);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.goto(`${server!.url}#/task/${encodeURIComponent('PRD-1/T1')}`);
    const checks = page.getByRole('region', { name: 'Verification checks' });
    for (const summary of await checks.locator('summary').all()) await summary.click();
    await checks.getByRole('img', { name: 'Screenshot PRD-1-T1-1-check1-chromium-step1.png', exact: true }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0);
  });

  it('serves only files of that run\'s evidence: traversal and links out get 400 or 404, no token 401', async () => {
    const base = `/api/v1/runs/${RUN_ID}/evidence`;
    const ok = await http(server!.port, { path: `${base}/PRD-1-T1-1-check1-chromium.png`, headers: bearer(server!) });
    assert.deepEqual([ok.status, ok.headers['content-type'], ok.headers['x-content-type-options']], [200, 'image/png', 'nosniff']);
    assert.equal((await http(server!.port, { path: `${base}/PRD-1-T1-1-check1-chromium.png` })).status, 401);
    const refused: readonly (readonly [string, number])[] = [
      [`${base}/..%2Fevents.jsonl`, 400],
      [`${base}/%2e%2e%2f%2e%2e%2f..%2fdashboard.json`, 400],
      [`${base}/..%5C..%5Cdashboard.json`, 400],
      [`${base}/a%00.png`, 400],
      [`/api/v1/runs/..%2F${RUN_ID}/evidence/PRD-1-T1-1-check1-chromium.png`, 400],
      [`${base}/link-out.png`, 404],
      [`${base}/missing.png`, 404],
      [`${base}/events.jsonl`, 404],
      [`/api/v1/runs/no-such-run/evidence/PRD-1-T1-1-check1-chromium.png`, 404],
      // The URL parser folds dot segments first: this is another path, which no route has.
      [`${base}/../events.jsonl`, 404],
      [`${base}/%2e%2e`, 404],
    ];
    for (const [path, status] of refused) {
      const reply = await http(server!.port, { path, headers: bearer(server!) });
      assert.equal(reply.status, status, `${path}: ${reply.body}`);
      assert.match(String(reply.headers['content-type']), /^application\/json/, path);
      assert.doesNotMatch(reply.body, /not evidence|runId|"type"/, `${path} leaked a file: ${reply.body}`);
    }
  });
});
