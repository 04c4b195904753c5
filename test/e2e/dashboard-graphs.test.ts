import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { dashboardHtml } from '../../src/extension/dashboard/dashboard-html';
import { WebviewHost } from '../../src/extension/dashboard/webview-host';
import type { EventLog } from '../../src/orchestrator/events/event-log';
import { listRuns } from '../../src/orchestrator/views/list-runs';
import { readRunHistory } from '../../src/orchestrator/views/run-history';
import { RunTails } from '../../src/orchestrator/views/run-tails';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import type { DashboardServer } from '../../src/server/dashboard-server';
import { REPO, startTestServer } from '../integration/server-harness';
import { useChromium } from '../support/chromium';
import { openDashboardPage } from '../support/dashboard-page';
import { graphsRunEvents, LIVE_RUN_MINUTES, writeTimedRun } from '../support/graphs-run';

const LIVE = '20261202T040000-live';
const DAY = 86_400_000;
/** Two cost charts, the forecast, first pass, three learning-curve multiples and the timeline. */
const GRAPHS = ['timeline', 'cost-by-model', 'cost-by-agent', 'verified-forecast', 'first-pass', 'learning-cost', 'learning-wall', 'learning-defects'];

/** Per canvas: pixels drawn, and pixels of `colour` (#rrggbb, within a small tolerance). */
async function canvasPixels(page: Page, graph: string, colour?: string): Promise<{ drawn: number; matching: number }> {
  return page.locator(`[data-graph="${graph}"] canvas`).evaluate((canvas: HTMLCanvasElement, hex) => {
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    const want = hex === undefined ? undefined : [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let drawn = 0;
    let matching = 0;
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] ?? 0) === 0) continue;
      drawn += 1;
      if (want !== undefined && (data[i + 3] ?? 0) > 200 && want.every((v, k) => Math.abs(v - (data[i + k] ?? 0)) <= 6)) matching += 1;
    }
    return { drawn, matching };
  }, colour);
}

/** Where a pixel of `colour` is on a graph's canvas, in page coordinates. */
async function pixelOf(page: Page, graph: string, colour: string): Promise<{ x: number; y: number } | undefined> {
  return page.locator(`[data-graph="${graph}"] canvas`).evaluate((canvas: HTMLCanvasElement, hex) => {
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const box = canvas.getBoundingClientRect();
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] ?? 0) > 200 && want.every((v, k) => Math.abs(v - (data[i + k] ?? 0)) <= 6)) {
        const px = (i / 4) % canvas.width;
        const py = Math.floor(i / 4 / canvas.width);
        return { x: box.left + (px * box.width) / canvas.width + 2, y: box.top + (py * box.height) / canvas.height + 2 };
      }
    }
    return undefined;
  }, colour);
}

/** A phone's full page is too tall to look at whole: each part on its own as well. */
async function screenshots(page: Page, name: string, width: number): Promise<void> {
  await page.screenshot({ path: `/tmp/graphs-${name}.png`, fullPage: true });
  if (width >= 500) return;
  for (const [part, selector] of [['timeline', '[data-graph="timeline"]'], ['cost', 'section:has(#cost-title)'], ['forecast', '[data-graph="verified-forecast"]'], ['first-pass', '[data-graph="first-pass"]'], ['learning', '.learning']] as const) {
    await page.locator(selector).screenshot({ path: `/tmp/graphs-${name}-${part}.png` });
  }
}

async function checkGraphs(page: Page, width: number): Promise<void> {
  for (const graph of GRAPHS) {
    const figure = page.locator(`[data-graph="${graph}"]`);
    await figure.locator('canvas').waitFor();
    const { drawn } = await canvasPixels(page, graph);
    assert.ok(drawn > 2000, `${graph} at ${width}px drew ${drawn} pixels`);
    const summary = await figure.locator('.summary').innerText();
    assert.ok(summary.length > 20, `${graph} has a text alternative: ${summary}`);
    assert.equal(await figure.locator('[role="img"]').getAttribute('aria-labelledby'), `${graph}-summary`);
  }
  assert.match(await page.locator('[data-graph="timeline"] .summary').innerText(), /^13 attempts by 4 agents over \d+ min, at most 3 at once; 3 reworks, 2 sent back, 1 failed, 2 running\.$/);
  assert.deepEqual(await page.locator('[data-graph="cost-by-agent"] table tbody th').allInnerTexts(), ['backend-engineer', 'frontend-engineer', 'security-reviewer', 'qa-engineer']);
  assert.equal(await page.locator('[data-graph="timeline"] table tbody tr').count(), 13);
  assert.equal(await page.locator('[data-graph="first-pass"] table tbody tr').count(), 3);
  assert.equal(await page.locator('[data-graph="verified-forecast"] table tbody tr').count(), 12);
  // The learning curve came through GET /api/v1/history: four earlier runs and this one.
  await page.locator('.learning table tbody tr').nth(4).waitFor({ state: 'attached' });
  assert.deepEqual((await page.locator('.learning table tbody th').allInnerTexts()).at(-1), LIVE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const wide = overflow <= 0 ? [] : await page.evaluate(() => Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => `${e.tagName}.${e.className}`).slice(-8));
  assert.ok(overflow <= 0, `no horizontal scroll at ${width}px (${overflow}px too wide: ${wide.join(', ')})`);
}

describe('dashboard in a real browser: graphs', function () {
  // One workspace for the suite: the runs are written once and only read.
  const dir = { path: '' };
  const chromium = useChromium();
  let server: DashboardServer;
  const logs: EventLog[] = [];
  // The live run started LIVE_RUN_MINUTES ago, so its running attempts end near the page's now.
  const liveStart = Date.now() - LIVE_RUN_MINUTES * 60_000;

  before(async () => {
    dir.path = mkdtempSync(join(tmpdir(), 'orch-e2e-graphs-'));
    for (const k of [0, 1, 2, 3]) logs.push(await writeTimedRun(dir.path, `2026112${k + 6}T090000-run${k + 1}`, liveStart - (4 - k) * DAY, graphsRunEvents(k)));
    logs.push(await writeTimedRun(dir.path, LIVE, liveStart, graphsRunEvents()));
    server = await startTestServer(dir.path);
  });
  after(async () => {
    await server.close();
    for (const log of logs) await log.close();
    rmSync(dir.path, { recursive: true, force: true });
  });

  for (const width of [1280, 390]) {
    it(`draws every graph at ${width}px, light then dark, with text alternatives, no CSP violation and no overflow`, async () => {
      const { page, problems } = await openDashboardPage(chromium.browser(), server, width);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.getByRole('link', { name: 'Graphs' }).click();
      await page.getByRole('heading', { level: 1, name: 'Graphs' }).waitFor();
      await checkGraphs(page, width);
      // Verified bars in the light theme's green, the failed one in its red.
      assert.ok((await canvasPixels(page, 'timeline', '#1a7f37')).matching > 100, 'verified bars drawn in the light green');
      assert.ok((await canvasPixels(page, 'timeline', '#cf222e')).matching > 20, 'the failed bar drawn in the light red');
      await screenshots(page, `${width}-light`, width);
      // The theme changes under an open page: every graph redraws in the dark theme's colours.
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.waitForFunction(() => getComputedStyle(document.documentElement).getPropertyValue('--ok').trim() === '#3fb950');
      for (let i = 0; i < 100 && (await canvasPixels(page, 'timeline', '#3fb950')).matching === 0; i++) await page.waitForTimeout(50);
      assert.ok((await canvasPixels(page, 'timeline', '#3fb950')).matching > 100, 'verified bars redrawn in the dark green');
      assert.equal((await canvasPixels(page, 'timeline', '#1a7f37')).matching, 0, 'no light green left');
      await checkGraphs(page, width);
      await screenshots(page, `${width}-dark`, width);
      // A bar opens its attempt: the one failed attempt is the one red bar.
      await page.locator('[data-graph="timeline"] canvas').scrollIntoViewIfNeeded();
      const failed = await pixelOf(page, 'timeline', '#f85149');
      assert.ok(failed !== undefined, 'the failed bar is on the canvas');
      await page.mouse.click(failed.x, failed.y);
      await page.waitForURL(/#\/attempt\/PRD-1%2FT3%231$/);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  it('draws the graphs inside the VS Code webview page: its CSP, postMessage to the real host, VS Code theme variables', async () => {
    const paths = workspacePaths(dir.path);
    const problems: string[] = [];
    const tails = new RunTails(paths, 200, (m) => problems.push(m));
    const page = await chromium.browser().newPage({ viewport: { width: 390, height: 844 } });
    const host = new WebviewHost({
      tails,
      listRuns: () => listRuns(paths),
      control: async () => ({ ok: false, error: 'not in this test' }),
      answer: async () => ({ ok: false, error: 'not in this test' }),
      reassignDefect: async () => ({ ok: false, error: 'not in this test' }),
      evidence: async () => ({ ok: false, error: 'not in this test' }),
      listAgents: async () => ({ agents: [], invalid: [] }),
      history: (roadmap) => readRunHistory(paths, roadmap),
      post: (message) => void page.evaluate((m) => window.postMessage(m, '*'), message).catch(() => undefined),
      onProblem: (m) => problems.push(m),
    });
    try {
      page.on('pageerror', (error) => problems.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.exposeBinding('orchPost', (_source, message: unknown) => host.receive(message));
      // A string, not a function: the test's compiled functions reference helpers the page lacks.
      await page.addInitScript(`
        document.addEventListener('securitypolicyviolation', (e) => console.error('CSP refused ' + e.violatedDirective + ' at ' + e.sourceFile + ':' + e.lineNumber));
        window.acquireVsCodeApi = () => ({ postMessage: (m) => void window.orchPost(m), getState: () => undefined, setState: () => undefined });
      `);
      const origin = 'https://webview.test';
      const assets = join(REPO, 'media/webview/assets');
      await page.route(`${origin}/**`, (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === '/') return route.fulfill({ contentType: 'text/html', body: dashboardHtml({ scriptUri: `${origin}/assets/index.js`, styleUri: `${origin}/assets/index.css`, cspSource: origin, nonce: 'graphs-nonce' }) });
        const file = path.replace(/^\/assets\//, '');
        if (!/^index\.(js|css)$/.test(file)) return route.fulfill({ status: 404 });
        return route.fulfill({ contentType: file.endsWith('.js') ? 'text/javascript' : 'text/css', body: readFileSync(join(assets, file)) });
      });
      await page.goto(`${origin}/#/graphs`);
      await page.getByRole('heading', { level: 1, name: 'Graphs' }).waitFor();
      await checkGraphs(page, 390);
      // VS Code sets its theme's variables on <html>: the graphs follow them.
      await page.evaluate(() => document.documentElement.style.setProperty('--vscode-testing-iconPassed', '#ff00ff'));
      for (let i = 0; i < 100 && (await canvasPixels(page, 'timeline', '#ff00ff')).matching === 0; i++) await page.waitForTimeout(50);
      assert.ok((await canvasPixels(page, 'timeline', '#ff00ff')).matching > 100, 'verified bars redrawn in the VS Code theme colour');
      await screenshots(page, 'webview-390', 390);
      assert.deepEqual(problems, []);
    } finally {
      host.detach();
      await page.close();
      await tails.closeAll();
    }
  });
});
