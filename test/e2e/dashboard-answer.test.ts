import { strict as assert } from 'node:assert';
import { dirname, join } from 'node:path';
import { takeDropped } from '../../src/orchestrator/messaging/answer-drop';
import type { NewEvent } from '../../src/protocol/events';
import { sampleRoadmap } from '../integration/server-harness';
import { auditEntriesOf } from '../support/audit-file';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

const RUN_ID = '20261202T020000-d4e5f6';

/** PRD-1/T2's agent waits in ask_person. */
function askingRun(): NewEvent[] {
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    { type: 'attempt.started', taskId: 'PRD-1/T2', attemptId: 'PRD-1/T2#1', agent: 'qa-engineer', model: 'haiku', prompt: 'Test T2' },
    { type: 'message.sent', messageId: 'q1', from: 'PRD-1/T2', fromAgent: 'qa-engineer', fromAttempt: 'PRD-1/T2#1', to: 'person', text: 'Should the tests cover IPv6?', kind: 'question' },
  ];
}

describe('dashboard in a real browser: answering a question from the banner', function () {
  const run = useDashboardRun('orch-e2e-answer-', RUN_ID, askingRun);

  it('sends the answer the way orch answer does (audited), and the banner goes once the run records it', async () => {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, 1280);
    await page.goto(`${run.server.url}#/messages`);
    const banner = page.getByRole('region', { name: 'Question from PRD-1/T2' });
    await banner.getByRole('status').filter({ hasText: 'PRD-1/T2 asks: “Should the tests cover IPv6?”' }).waitFor();
    const send = banner.getByRole('button', { name: 'Send' });
    assert.equal(await send.isDisabled(), true, 'nothing to send yet');
    await banner.getByLabel('Your answer').fill('Yes, IPv4 and IPv6.');
    await send.click();
    await banner.getByRole('alert').filter({ hasText: 'Answer sent' }).waitFor();

    // The running Orch picks the answer up from the run's answers folder, as it does orch answer's.
    const runDir = dirname(run.log.file);
    const dropped = await takeDropped(runDir);
    assert.deepEqual(dropped.map((d) => d.answer), [{ taskId: 'PRD-1/T2', text: 'Yes, IPv4 and IPv6.' }]);
    const audit = await auditEntriesOf(join(runDir, '..', '..', 'audit.jsonl'), 'answer', 2);
    assert.deepEqual(audit.map((e) => e.outcome), ['requested', 'succeeded']);

    // Once the run records the answer, the question is closed and its banner goes.
    await run.log.append({ type: 'message.sent', messageId: 'a1', from: 'person', to: 'PRD-1/T2', toAgent: 'qa-engineer', text: 'Yes, IPv4 and IPv6.', kind: 'answer', inReplyTo: 'q1' });
    await banner.waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
