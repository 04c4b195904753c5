import { strict as assert } from 'node:assert';
import { screenshotPath } from '../support/chromium';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';
import { threeWorkersRun } from '../support/workers-run';

const RUN_ID = '20261202T040000-f1e2d3';

describe('dashboard in a real browser: the Workers view', function () {
  const run = useDashboardRun('orch-e2e-workers-', RUN_ID, () => threeWorkersRun(new Date().toISOString()));

  it('shows three workers (one lost) with their slots, heartbeats and attempts, live, at 390 px in both themes', async () => {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, 390);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.getByRole('navigation', { name: 'Run views' }).getByRole('link', { name: 'Workers (2 alive)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Workers' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/workers');
    await page.getByText('3 worker(s): 2 alive, 1 lost · 2/4 slots in use').waitFor();

    const card = (name: string) => page.getByRole('region', { name: `Worker ${name}` });
    assert.deepEqual(await page.locator('[data-worker]').evaluateAll((els) => els.map((e) => e.getAttribute('data-worker'))), ['w-alpha', 'w-beta', 'w-gamma']);
    assert.match(await card('w-alpha').innerText(), /w-alpha\s+●\s*alive[\s\S]*Host\s+host-a · pid 101[\s\S]*Slots\s+1\/2 in use[\s\S]*Heartbeat\s+\d+ (s|min) ago[\s\S]*Attempts\s+1 running, 1 taken in this run/);
    assert.match(await card('w-gamma').innerText(), /lost \(no heartbeat for 60 s\)[\s\S]*host-c · pid 303[\s\S]*0\/1 in use[\s\S]*0 running, 1 taken/);
    await card('w-beta').getByRole('list', { name: 'Attempts on w-beta' }).getByRole('link', { name: 'T1 #2' }).waitFor();

    // Live: a fourth worker joins, and w-alpha goes silent while the page is open.
    await run.log.append({ type: 'worker.seen', worker: 'w-delta', host: 'host-d', pid: 404, slots: 4, slotsInUse: 0, heartbeatAt: new Date().toISOString() });
    await run.log.append({ type: 'worker.lost', worker: 'w-alpha', reason: 'left: SIGTERM' });
    await page.getByText('4 worker(s): 2 alive, 2 lost · 1/6 slots in use').waitFor();
    assert.match(await card('w-alpha').innerText(), /lost \(left: SIGTERM\)/);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'the Workers view fits 390 px');
    const lostColour = () => card('w-gamma').locator('.badge').evaluate((el) => getComputedStyle(el).color);
    const light = await lostColour();
    await page.screenshot({ path: screenshotPath('dashboard-workers-390.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.notEqual(await lostColour(), light, 'the dark theme recolours the lost badge');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'still fits in the dark theme');
    await page.screenshot({ path: screenshotPath('dashboard-workers-390-dark.png'), fullPage: true });

    // The attempt page says which worker ran it, and links back to the workers.
    await card('w-beta').getByRole('link', { name: 'T1 #2' }).click();
    await page.getByRole('heading', { level: 1, name: 'T1 attempt #2' }).waitFor();
    assert.match(await page.locator('dl.summary').innerText(), /Worker\s+w-beta on host-b/);
    await page.goto(`${run.server.url}#/attempt/${encodeURIComponent('PRD-2/T1#1')}`);
    await page.getByRole('heading', { level: 1, name: 'T1 attempt #1' }).waitFor();
    assert.match(await page.locator('dl.summary').innerText(), /Worker\s+w-gamma on host-c/);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
