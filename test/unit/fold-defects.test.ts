import { strict as assert } from 'node:assert';
import { roadmapWith, sequenced, task } from '../support/builders';
import type { NewEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import type { DefectOwner } from '../../src/protocol/events-defects';

const owner: DefectOwner = { agent: 'backend-engineer', model: 'haiku' };
const roadmap = roadmapWith([{ milestone: '1.1', prd: { id: 'P', tasks: [task('P', 'T1'), task('P', 'T2')] } }]);
const started = (attemptId: string, taskId = 'P/T1'): NewEvent => ({ type: 'attempt.started', taskId, attemptId, agent: 'backend-engineer', model: 'haiku', prompt: 'p' });
const finished = (attemptId: string): NewEvent => ({ type: 'attempt.finished', attemptId, outcome: 'succeeded', costUsd: 0.01, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 });
const opened = (defectId: string, source: 'check' | 'review' | 'merge-conflict', taskId = 'P/T1', attemptId = 'P/T1#1'): NewEvent => ({ type: 'defect.opened', defectId, taskId, attemptId, source, severity: 'major', category: 'c', owner, summary: 's' });
const head: NewEvent[] = [{ type: 'run.started', roadmapFile: 'r.md', milestones: [] }, { type: 'plan.loaded', roadmap }, started('P/T1#1'), finished('P/T1#1')];

describe('the defect lifecycle fold', () => {
  it('opens a defect with its detection times, works on it, escalates it and resolves it stage by stage', () => {
    const s = foldEvents(
      sequenced('r', [
        ...head,
        opened('D1', 'check'),
        started('P/T1#2'),
        { type: 'defect.recurred', defectId: 'D1', attemptId: 'P/T1#2', summary: 'again' },
        { type: 'defect.escalated', defectId: 'D1', from: owner, to: { agent: 'backend-engineer', model: 'sonnet' }, reason: 'twice' },
        started('P/T1#3'),
        { type: 'review.finished', taskId: 'P/T1', attemptId: 'P/T1#3', reviewAttemptId: 'review/P/T1#1', reviewer: 'reviewer', model: 'sonnet', verdict: 'request-changes', findings: [{ text: 'f' }], reasoning: 'why' },
        opened('D2', 'review', 'P/T1', 'P/T1#3'),
      ]),
    )!;
    const d1 = s.defects?.D1;
    assert.deepEqual([d1?.state, d1?.attempts, d1?.recurrences, d1?.owner.model, d1?.summary], ['verified', ['P/T1#2', 'P/T1#3'], 1, 'sonnet', 'again']);
    assert.equal(d1?.workEndedAt, '2026-01-01T00:00:03.000Z');
    assert.equal(d1?.detectedAt, '2026-01-01T00:00:04.000Z');
    assert.equal(d1?.resolvedAt, '2026-01-01T00:00:09.000Z');
    assert.deepEqual(s.defects?.D2?.state, 'open');
    assert.deepEqual(s.tasks['P/T1']?.reviews?.map((r) => [r.verdict, r.reasoning]), [['request-changes', 'why']]);
  });

  it('settles review and merge defects at their own stage, closes them with a lesson, and leaves other tasks\' alone', () => {
    const s = foldEvents(
      sequenced('r', [
        ...head,
        opened('D1', 'review'),
        opened('D2', 'merge-conflict'),
        opened('D3', 'check', 'P/T2', 'P/T2#1'),
        started('P/T1#2'),
        { type: 'review.finished', taskId: 'P/T1', attemptId: 'P/T1#2', reviewAttemptId: 'review/P/T1#2', reviewer: 'reviewer', model: 'sonnet', verdict: 'approve', findings: [], reasoning: 'ok' },
        { type: 'task.merged', taskId: 'P/T1', branch: 'b', files: [] },
        { type: 'defect.closed', defectId: 'D1', lesson: '[c] w Fixed by: f' },
      ]),
    )!;
    assert.deepEqual(Object.values(s.defects ?? {}).map((d) => [d.id, d.state]), [['D1', 'closed'], ['D2', 'verified'], ['D3', 'open']]);
    assert.equal(s.defects?.D1?.lesson, '[c] w Fixed by: f');
  });

  it("gives up a blocked task's defects with the reason, and opens them again on a requeue", () => {
    const events = sequenced('r', [...head, opened('D1', 'check'), { type: 'task.blocked', taskId: 'P/T1', reason: 'not verified after 3 attempts' }, { type: 'task.requeued', taskId: 'P/T1', reason: 'resume' }]);
    const blocked = foldEvents(events.slice(0, -1))!.defects?.D1;
    assert.deepEqual([blocked?.state, blocked?.reason], ['wont-fix', 'the task was blocked: not verified after 3 attempts']);
    const again = foldEvents(events)!.defects?.D1;
    assert.deepEqual([again?.state, again?.reason], ['open', undefined]);
  });

  it('keeps review attempts out of the task and warns about an unknown defect', () => {
    const s = foldEvents(sequenced('r', [...head, started('review/P/T1#1', 'review/P/T1'), finished('review/P/T1#1'), { type: 'defect.closed', defectId: 'D9' }]))!;
    assert.deepEqual(s.tasks['P/T1']?.attempts, ['P/T1#1']);
    assert.ok(Math.abs(s.costUsd - 0.02) < 1e-9);
    assert.deepEqual(s.warnings, ['event for unknown defect D9']);
  });
});
