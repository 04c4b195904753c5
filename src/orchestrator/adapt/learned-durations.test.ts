import { strict as assert } from 'node:assert';
import type { Prd } from '../../protocol/domain';
import { task } from '../../../test/support/builders';
import type { Assignment } from '../engine/assign-agents';
import { taskFingerprint } from '../learning/task-features';
import { ModelCatalog } from '../router/model-catalog';
import type { OutcomeRecord } from '../store/outcome-record';
import { learnedDurations } from './learned-durations';

const catalog = ModelCatalog.build();
const a = task('P', 'A', { title: 'Build the parser' });
const prd = { id: 'P', milestoneId: '1', title: 'P', body: '', source: { file: 'p.md', line: 1 }, tasks: [a] } as Prd;
const tasks = new Map([['P/A', { task: a, prd }]]);
const agent = { name: 'backend-engineer', model: 'sonnet', provider: 'claude', phases: ['implementation'] } as unknown as Assignment['agent'];
const assignments = new Map<string, Assignment>([['P/A', { taskId: 'P/A', agent, phase: 'implementation', model: 'sonnet', reason: '', pinned: false }]]);

function outcome(runId: string, durationMs: number): OutcomeRecord {
  return { runId, attemptId: 'P/A#1', taskId: 'P/A', prdId: 'P', milestoneId: '1', title: a.title, fingerprint: taskFingerprint('P/A', a.title), phase: 'implementation', agent: 'backend-engineer', model: 'sonnet', complexity: 0.2, attempt: 1, durationMs, costUsd: 0.1, inputTokens: 1, outputTokens: 1, succeeded: true, firstPass: true, defects: 0, taskState: 'verified', at: `2026-01-0${runId}T00:00:00Z` };
}

describe('learned durations for ordering', () => {
  it('predicts from the same task in earlier runs, and nothing without history', () => {
    const estimate = learnedDurations([outcome('1', 500_000), outcome('2', 700_000), outcome('3', 600_000)], tasks, assignments, catalog);
    assert.equal(estimate?.('P/A'), 600_000);
    assert.equal(estimate?.('P/unknown'), undefined);
    assert.equal(learnedDurations([], tasks, assignments, catalog), undefined);
  });
});
