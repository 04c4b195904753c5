import { strict as assert } from 'node:assert';
import type { NewEvent } from '../../src/protocol/events';
import { sampleRoadmap } from '../integration/server-harness';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

const RUN_ID = '20261202T010000-a1e7b0';

function events(): NewEvent[] {
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [], budgetUsd: 1 },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    { type: 'task.blocked', taskId: 'PRD-1/T1', reason: 'not verified after 3 attempts: one.txt is missing' },
    { type: 'alert.deliveryFailed', sourceSeq: 3, kind: 'blocked', webhook: 0, host: '127.0.0.1:9', attempt: 1, error: 'HTTP 503', retryInMs: 500 },
    { type: 'alert.delivered', sourceSeq: 3, kind: 'blocked', webhook: 0, host: '127.0.0.1:9', attempts: 2 },
  ];
}

describe('dashboard in a real browser: the alert banner', function () {
  const run = useDashboardRun('orch-e2e-alerts-', RUN_ID, events);

  it('shows a run\'s alerts as they happen, links the task, and stays dismissed until the next alert', async () => {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, 390);
    const banner = page.getByRole('region', { name: 'Alerts' });
    await banner.getByText('PRD-1/T1 is blocked: not verified after 3 attempts: one.txt is missing').waitFor();
    await banner.getByText('(sent to 1 webhook)').waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0, 'no sideways scroll on a phone');
    // A live event raises a new alert: it comes first.
    await run.log.append({ type: 'run.paused', reason: 'budget', message: 'the $1.00 budget is spent' });
    await banner.getByText('run paused by its budget: the $1.00 budget is spent').waitFor();
    assert.deepEqual((await banner.getByRole('listitem').allInnerTexts()).map((t) => t.split('\n')[0]?.trim().split(/\s+/)[0]), ['Budget', 'Blocked']);
    await banner.getByRole('button', { name: 'Dismiss' }).click();
    await banner.waitFor({ state: 'detached' });
    await run.log.append({ type: 'run.finished', state: 'failed' });
    await banner.getByText(`run ${RUN_ID} ended failed`).waitFor();
    assert.equal(await banner.getByRole('listitem').count(), 1, 'only the alert after the dismissal');
    await page.goto(`${run.server.url}#/`);
    await run.log.append({ type: 'task.blocked', taskId: 'PRD-1/T2', reason: 'budget: cap reached' });
    await banner.getByRole('link', { name: 'PRD-1/T2' }).click();
    assert.equal(decodeURIComponent(new URL(page.url()).hash), '#/task/PRD-1/T2');
    assert.deepEqual(problems, []);
  });
});
