import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleRunEvents } from '../integration/server-harness';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

const PROBES = 50;

/** Another site the user happens to visit: it fires requests at the dashboard it cannot read. */
function hostilePage(dashboardPort: number): string {
  const api = `http://127.0.0.1:${dashboardPort}/api/runs`;
  return `<!doctype html><title>elsewhere</title><script>
    window.settled = 0;
    const done = () => { window.settled += 1; };
    for (let i = 0; i < ${PROBES}; i += 1) {
      const img = new Image();
      img.onload = done; img.onerror = done;
      img.src = '${api}?probe=' + i;
      fetch('${api}?fetch=' + i, { mode: 'no-cors', credentials: 'include' }).then(done, done);
    }
    try { new WebSocket('ws://127.0.0.1:${dashboardPort}/ws').onerror = done; } catch { done(); }
  </script>`;
}

describe('dashboard in a real browser next to a hostile page', function () {
  const run = useDashboardRun('orch-e2e-hostile-', 'run-hostile', () => sampleRunEvents());
  let site: Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => (site === undefined ? resolve(undefined) : site.close(resolve)));
  });

  it('keeps working after another origin fired 50 unauthenticated requests at it', async () => {
    site = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(hostilePage(run.server.port)));
    await new Promise<void>((resolve) => site!.listen(0, '127.0.0.1', resolve));
    const sitePort = (site.address() as AddressInfo).port;

    const context = await run.browser().newContext();
    const elsewhere = await context.newPage();
    await elsewhere.goto(`http://localhost:${sitePort}/`);
    await elsewhere.waitForFunction((n) => (globalThis as unknown as { settled: number }).settled >= n, PROBES * 2 + 1, { timeout: 30_000 });
    await context.close();

    const { page, problems } = await openDashboardPage(run.browser(), run.server, 1280);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.locator('.connection', { hasText: 'live' }).waitFor();
    const status = await page.evaluate(async (token) => (await fetch('/api/runs', { headers: { Authorization: `Bearer ${token}` } })).status, run.server.token);
    assert.equal(status, 200, 'REST answers the real page');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
