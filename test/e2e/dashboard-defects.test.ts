import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createToken, tokensFile } from '../../src/orchestrator/tokens/token-store';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import type { NewEvent } from '../../src/protocol/events';
import type { DefectOwner } from '../../src/protocol/events-defects';
import { sampleRoadmap } from '../integration/server-harness';
import { auditEntriesOf } from '../support/audit-file';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

const RUN_ID = '20261202T010000-defect';
const haiku: DefectOwner = { agent: 'backend-engineer', model: 'haiku' };
const FINDING = 'farewell() is missing although the brief asks for it';

/** PRD-1/T1: reviewed, changes requested, reworked and approved (D1 closed); PRD-1/T2: a failing check still being fixed (D2). */
function defectRun(): NewEvent[] {
  const started = (taskId: string, attemptId: string): NewEvent => ({ type: 'attempt.started', taskId, attemptId, agent: 'backend-engineer', model: 'haiku', prompt: 'p' });
  const finished = (attemptId: string): NewEvent => ({ type: 'attempt.finished', attemptId, outcome: 'succeeded', costUsd: 0.01, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 });
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    started('PRD-1/T1', 'PRD-1/T1#1'),
    finished('PRD-1/T1#1'),
    { type: 'review.finished', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', reviewAttemptId: 'review/PRD-1/T1#1', reviewer: 'reviewer', model: 'sonnet', verdict: 'request-changes', findings: [{ text: FINDING, file: 'greet.js', line: 3 }], reasoning: 'Only greet() was written.' },
    { type: 'defect.raised', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', reason: 'the reviewer reviewer requested changes', checks: [] },
    { type: 'defect.opened', defectId: 'D1', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', source: 'review', severity: 'major', category: 'requirements', owner: haiku, summary: `the reviewer requested changes: ${FINDING}`, findings: [{ text: FINDING, file: 'greet.js', line: 3 }] },
    { type: 'defect.escalated', defectId: 'D1', from: haiku, to: { agent: 'backend-engineer', model: 'sonnet' }, reason: '1 failed verification on haiku: the rework goes to sonnet' },
    started('PRD-1/T1', 'PRD-1/T1#2'),
    finished('PRD-1/T1#2'),
    { type: 'review.finished', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#2', reviewAttemptId: 'review/PRD-1/T1#2', reviewer: 'reviewer', model: 'sonnet', verdict: 'approve', findings: [], reasoning: 'Both functions are there now.' },
    { type: 'task.verified', taskId: 'PRD-1/T1', checks: [], basis: 'reviewed' },
    { type: 'defect.closed', defectId: 'D1', lesson: `[requirements] greet.js: ${FINDING} Fixed by: added farewell()` },
    started('PRD-1/T2', 'PRD-1/T2#1'),
    finished('PRD-1/T2#1'),
    { type: 'defect.raised', taskId: 'PRD-1/T2', attemptId: 'PRD-1/T2#1', reason: '1 of 1 checks failed', checks: [{ check: 'command npm test', passed: false, detail: 'exit 1' }] },
    { type: 'defect.opened', defectId: 'D2', taskId: 'PRD-1/T2', attemptId: 'PRD-1/T2#1', source: 'check', severity: 'critical', category: 'failing-tests', owner: haiku, summary: 'command npm test: exit 1' },
    started('PRD-1/T2', 'PRD-1/T2#2'),
  ];
}

describe('dashboard in a real browser: defects and reviews', function () {
  const run = useDashboardRun('orch-e2e-defects-', RUN_ID, defectRun);

  it('lists defects by state with severity, owner and times, and links each to its task', async () => {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, 1200);
    await page.getByRole('link', { name: 'Defects (1 open)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Defects' }).waitFor();
    const summary = await page.locator('dl.summary').innerText();
    assert.match(summary, /Open\s+1 of 2/);
    assert.match(summary, /Critical \/ major \/ minor open\s+1 \/ 0 \/ 0/);
    const rows = page.locator('tr[data-defect]');
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-defect'))), ['D2', 'D1']);
    const d2 = await rows.nth(0).innerText();
    assert.match(d2, /critical/);
    assert.match(d2, /fixing/);
    assert.match(d2, /check \/ failing-tests/);
    assert.match(d2, /backend-engineer on haiku/);
    assert.match(d2, /open for/);
    const d1 = await rows.nth(1).innerText();
    assert.match(d1, /closed/);
    assert.match(d1, /backend-engineer on sonnet/);
    assert.match(d1, /resolved in/);
    await page.locator('tr[data-defect="D1"] summary').click();
    assert.match(await rows.nth(1).innerText(), /greet\.js:3: farewell\(\) is missing[\s\S]*Escalated: backend-engineer on haiku → backend-engineer on sonnet[\s\S]*Lesson: \[requirements\]/);
    await page.locator('tr[data-defect="D1"]').getByRole('link', { name: 'T1' }).click();
    await page.getByRole('heading', { level: 2, name: 'Review' }).waitFor();
    assert.deepEqual(problems, []);
  });

  it('offers Reassign on an open defect only, and posts it to the route the run process picks up', async () => {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, 1200);
    await page.goto(`${run.server.url}#/defects`);
    const control = page.locator('tr[data-defect="D2"] [data-reassign="D2"]');
    const select = control.getByRole('combobox', { name: 'Reassign D2 to agent' });
    await select.locator('option[value="qa-engineer"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('tr[data-defect="D1"] [data-reassign]').count(), 0, 'a closed defect has no Reassign');
    await select.selectOption('qa-engineer');
    await control.locator('vscode-button', { hasText: 'Reassign' }).click();
    await control.getByRole('status').filter({ hasText: 'D2 goes to qa-engineer from its next attempt' }).waitFor();
    const dir = join(dirname(run.log.file), 'reassign');
    const dropped = readdirSync(dir).filter((n) => n.endsWith('.json'));
    assert.equal(dropped.length, 1);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, dropped[0]!), 'utf8')), { defectId: 'D2', agent: 'qa-engineer', by: 'dashboard' });
    const audit = await auditEntriesOf(resolve(dirname(run.log.file), '../../audit.jsonl'), 'defect.reassign', 2);
    assert.deepEqual(audit.map((e) => [e.outcome, e.target]), [['requested', RUN_ID], ['succeeded', `${RUN_ID}/D2`]]);
    // The task page offers it too.
    await page.goto(`${run.server.url}#/task/${encodeURIComponent('PRD-1/T2')}`);
    await page.locator('[data-reassign="D2"] option[value="qa-engineer"]').waitFor({ state: 'attached' });
    assert.deepEqual(problems, []);
  });

  it('hides Reassign from a read token', async () => {
    const workspace = resolve(dirname(run.log.file), '../../..');
    const { token } = await createToken(tokensFile(workspacePaths(workspace)), { name: 'viewer', scope: 'read' });
    const { page, problems } = await openDashboardPage(run.browser(), { ...run.server, token }, 1200);
    await page.getByText('Read-only', { exact: true }).waitFor();
    await page.goto(`${run.server.url}#/defects`);
    await page.locator('tr[data-defect="D2"]').waitFor();
    assert.equal(await page.locator('[data-reassign]').count(), 0);
    assert.deepEqual(problems, []);
  });

  it('shows the verdicts and their reasoning, and the task\'s defects, on the task page', async () => {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, 390);
    await page.goto(`${run.server.url}#/task/${encodeURIComponent('PRD-1/T1')}`);
    const reviews = page.locator('li[data-verdict]');
    await reviews.first().waitFor();
    assert.deepEqual(await reviews.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-verdict'))), ['request-changes', 'approve']);
    assert.match(await reviews.nth(0).innerText(), /changes requested\s+by reviewer on sonnet, of PRD-1\/T1#1[\s\S]*Only greet\(\) was written\.[\s\S]*greet\.js:3: farewell\(\) is missing/);
    assert.match(await reviews.nth(1).innerText(), /approved[\s\S]*Both functions are there now\./);
    await page.getByRole('heading', { level: 2, name: 'Defects' }).waitFor();
    assert.equal(await page.locator('tr[data-defect]').count(), 1);
    // The phone width still fits the page: nothing scrolls sideways.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    assert.deepEqual(problems, []);
  });
});
