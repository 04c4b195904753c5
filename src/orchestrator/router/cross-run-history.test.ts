import { strict as assert } from 'node:assert';
import { foldEvents } from '../../protocol/fold';
import type { NewEvent } from '../../protocol/events';
import { roadmapWith, sequenced, task } from '../../../test/support/builders';
import { routingRecordsOf } from './cross-run-history';
import { ModelCatalog } from './model-catalog';

const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1')] } }]);

function finishedRun(first: 'crashed' | 'checks-failed'): NewEvent[] {
  const firstEnd: NewEvent[] =
    first === 'crashed'
      ? [{ type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'failed', failure: 'crashed', message: 'interrupted: Orch stopped while this attempt ran', costUsd: 0, costSource: 'estimated', inputTokens: 0, outputTokens: 0, durationMs: 0 }]
      : [
          { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 0.01, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 },
          { type: 'defect.raised', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', reason: 'a check failed', checks: [{ check: 'file a', passed: false, detail: 'missing' }] },
        ];
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'plan.loaded', roadmap },
    { type: 'model.routed', taskId: 'PRD-1/T1', model: 'haiku', source: 'router', complexity: 0.2, reasons: ['routine'], alternatives: [] },
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'backend-engineer', model: 'haiku', prompt: 'p' },
    ...firstEnd,
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#2', agent: 'backend-engineer', model: 'haiku', prompt: 'p' },
    { type: 'attempt.finished', attemptId: 'PRD-1/T1#2', outcome: 'succeeded', costUsd: 0.01, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 },
    { type: 'task.verified', taskId: 'PRD-1/T1', checks: [{ check: 'file a', passed: true, detail: '1 byte' }], basis: 'checks' },
  ];
}

describe('routingRecordsOf', () => {
  it('does not hold an attempt Orch crashed under against the model: the resumed clean answer is a first pass', () => {
    const state = foldEvents(sequenced('r', finishedRun('crashed')));
    assert.ok(state);
    const [record] = routingRecordsOf(state, 'r', ModelCatalog.build());
    assert.equal(record?.firstPass, true);
  });

  it('counts a first attempt whose checks failed as a missed first pass', () => {
    const state = foldEvents(sequenced('r', finishedRun('checks-failed')));
    assert.ok(state);
    const [record] = routingRecordsOf(state, 'r', ModelCatalog.build());
    assert.equal(record?.firstPass, false);
  });
});
