import assert from 'node:assert/strict';
import type { OrchEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { newQuestions } from '../../src/extension/model/open-questions';
import { sampleRunEvents } from '../integration/server-harness';

function fold(extra: readonly object[]): RunSnapshot {
  const bodies = [...sampleRunEvents(), ...extra];
  return foldEvents(bodies.map((b, i) => ({ ...b, seq: i + 1, at: `2026-12-02T00:00:${String(i).padStart(2, '0')}.000Z`, runId: 'r1' }) as OrchEvent))!;
}

const ASKED = { type: 'message.sent', messageId: 'm1', from: 'PRD-1/T1', to: 'person', text: 'Which port?', kind: 'question' };
const ANSWERED = { type: 'message.sent', messageId: 'm2', from: 'person', to: 'PRD-1/T1', text: '4321', kind: 'answer', inReplyTo: 'm1' };

describe('the questions the editor asks the person', () => {
  it('shows a question once, when it is asked, and not for a log opened with one already open', () => {
    const before = fold([]);
    const asked = fold([ASKED]);
    assert.deepEqual(newQuestions(before, asked), [{ runId: 'r1', taskId: 'PRD-1/T1', messageId: 'm1', question: 'Which port?' }]);
    assert.deepEqual(newQuestions(asked, asked), []);
    assert.deepEqual(newQuestions(undefined, asked), []);
    assert.deepEqual(newQuestions(asked, fold([ASKED, ANSWERED])), []);
    assert.equal(fold([ASKED, ANSWERED]).tasks['PRD-1/T1']?.needsInput, undefined);
  });

  it('closes a question its task ended without an answer to: cancelled, failed or verified', () => {
    assert.equal(fold([ASKED]).tasks['PRD-1/T1']?.needsInput?.messageId, 'm1');
    for (const end of [
      { type: 'task.cancelled', taskId: 'PRD-1/T1' },
      { type: 'task.failed', taskId: 'PRD-1/T1', reason: 'gave up', checks: [] },
      { type: 'task.verified', taskId: 'PRD-1/T1', checks: [] },
    ]) {
      assert.equal(fold([ASKED, end]).tasks['PRD-1/T1']?.needsInput, undefined, end.type);
    }
  });
});
