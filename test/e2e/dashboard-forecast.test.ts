import { strict as assert } from 'node:assert';
import type { NewEvent } from '../../src/protocol/events';
import type { LiveForecast } from '../../src/protocol/forecast';
import { sampleRoadmap } from '../integration/server-harness';
import { screenshotPath } from '../support/chromium';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

const RUN_ID = '20261202T040000-f0reca';

// Made "now", so the page's clock takes (almost) nothing off the ETA.
const forecast = (): LiveForecast => ({
  at: new Date().toISOString(),
  basis: 'history',
  etaMs: { p50: 25 * 60_000, lo: 12 * 60_000, hi: 2 * 3_600_000 },
  costToCompleteUsd: { p50: 1.25, lo: 0.8, hi: 3.1 },
  tasksLeft: 3,
  atRisk: [{ taskId: 'PRD-1/T2', risk: 0.72, why: '1 defect so far; claude-opus-4-1 first pass 2 of 5 on similar tasks' }],
});

function events(): NewEvent[] {
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    { type: 'forecast.updated', forecast: forecast() },
  ];
}

describe('dashboard in a real browser: the live forecast', function () {
  const run = useDashboardRun('orch-e2e-forecast-', RUN_ID, events);

  for (const width of [1280, 390]) {
    it(`shows the forecast's ETA with its interval, the cost to complete and the tasks at risk at ${width} px`, async () => {
      const { page, problems } = await openDashboardPage(run.browser(), run.server, width);
      const eta = page.getByTestId('eta-forecast');
      await eta.waitFor();
      assert.match(await eta.innerText(), /^80%: about 1[12]m to about (1h 59m|2h 0m) for 3 task\(s\) left, over the remaining dependencies \(from history\)$/);
      const card = page.getByTestId('forecast');
      assert.match(await card.innerText(), /Cost to complete \$1\.25\s+\(80%: \$0\.8000–\$3\.10\) for 3 task\(s\) left\./);
      await card.getByRole('link', { name: 'T2' }).waitFor();
      assert.match(await card.innerText(), /72%\s+1 defect so far; claude-opus-4-1 first pass 2 of 5 on similar tasks/);
      assert.equal(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0, 'no sideways scroll');
      await page.screenshot({ path: screenshotPath(`dashboard-forecast-${width}.png`), fullPage: true });
      // The next forecast replaces it live; once no task is left the card goes.
      await run.log.append({ type: 'forecast.updated', forecast: { ...forecast(), tasksLeft: 0, atRisk: [] } });
      await card.waitFor({ state: 'detached' });
      assert.deepEqual(problems, []);
    });
  }
});
