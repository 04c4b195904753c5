import { strict as assert } from 'node:assert';
import type { NewEvent } from '../../src/protocol/events';
import { sampleRoadmap } from '../integration/server-harness';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

const RUN_ID = '20261202T010000-a1b2c3';

/** T1 and T2 run; PRD-2/T1 waits. T1 has written to T2 (delivered mid-turn) and broadcast to the run. */
function talkingRun(): NewEvent[] {
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'backend-engineer', model: 'sonnet', prompt: 'Build T1' },
    { type: 'attempt.started', taskId: 'PRD-1/T2', attemptId: 'PRD-1/T2#1', agent: 'qa-engineer', model: 'haiku', prompt: 'Test T2' },
    { type: 'message.sent', messageId: 'm1', from: 'PRD-1/T1', fromAgent: 'backend-engineer', to: 'PRD-1/T2', toAgent: 'qa-engineer', text: 'The API listens on 4321', kind: 'message' },
    { type: 'message.delivered', messageId: 'm1', via: 'live', attemptId: 'PRD-1/T2#1' },
    { type: 'message.sent', messageId: 'm2', from: 'PRD-1/T1', fromAgent: 'backend-engineer', to: 'PRD-1/T2', toAgent: 'qa-engineer', text: 'Schema frozen', kind: 'broadcast', broadcastId: 'b2', scope: 'run' },
    { type: 'message.sent', messageId: 'm3', from: 'PRD-1/T1', fromAgent: 'backend-engineer', to: 'PRD-2/T1', toAgent: 'architect', text: 'Schema frozen', kind: 'broadcast', broadcastId: 'b2', scope: 'run' },
  ];
}

describe('dashboard in a real browser: the Messages view', function () {
  const run = useDashboardRun('orch-e2e-messages-', RUN_ID, talkingRun);

  it('shows threads with delivery state, filters by agent and task, and updates live', async () => {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, 1280);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.getByRole('navigation', { name: 'Run views' }).getByRole('link', { name: 'Messages (3)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/messages');
    const threads = page.getByRole('list', { name: 'Message threads' });
    const m1 = threads.locator('[data-message="m1"]');
    assert.match(await m1.innerText(), /m1\s+message\s+PRD-1\/T1\s+\(backend-engineer\)\s+→\s+PRD-1\/T2\s+\(qa-engineer\)[\s\S]*delivered mid-turn \(PRD-1\/T2#1\)[\s\S]*The API listens on 4321/);
    // A broadcast's copies are one thread.
    assert.equal(await threads.locator(':scope > li').count(), 2);
    assert.match(await threads.locator('[data-message="m3"]').innerText(), /broadcast to run[\s\S]*pending/);

    await page.getByLabel('Task').selectOption('PRD-2/T1');
    await threads.locator('[data-message="m1"]').waitFor({ state: 'detached' });
    assert.deepEqual(await threads.locator('[data-message]').evaluateAll((els) => els.map((e) => e.getAttribute('data-message'))), ['m3']);
    await page.getByLabel('Task').selectOption('');
    await page.getByLabel('Agent').selectOption('qa-engineer');
    assert.deepEqual(await threads.locator('[data-message]').evaluateAll((els) => els.map((e) => e.getAttribute('data-message'))), ['m1', 'm2']);
    await page.getByLabel('Agent').selectOption('');

    // Live: the event log grows while the page is open.
    await run.log.append({ type: 'message.delivered', messageId: 'm3', via: 'brief', attemptId: 'PRD-2/T1#1' });
    await run.log.append({ type: 'message.sent', messageId: 'm4', from: 'PRD-1/T2', fromAgent: 'qa-engineer', to: 'person', text: 'Should the tests cover IPv6?', kind: 'question' });
    await threads.locator('[data-message="m3"]').getByText('delivered in its brief (PRD-2/T1#1)').waitFor();
    await threads.locator('[data-message="m4"]').getByText('Should the tests cover IPv6?').waitFor();
    await page.getByRole('status').filter({ hasText: 'PRD-1/T2 asks: “Should the tests cover IPv6?”' }).waitFor();

    // The task page shows that task's conversation.
    await page.goto(`${run.server.url}#/task/${encodeURIComponent('PRD-1/T2')}`);
    const conversation = page.getByRole('region', { name: 'Conversation' });
    await conversation.locator('[data-message="m4"]').waitFor();
    assert.deepEqual(await conversation.locator('[data-message]').evaluateAll((els) => els.map((e) => e.getAttribute('data-message'))), ['m1', 'm2', 'm4']);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
