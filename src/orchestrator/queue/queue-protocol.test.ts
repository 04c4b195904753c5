import { strict as assert } from 'node:assert';
import { InputError } from '../errors';
import { parseQueueUrl } from './queue-connection';
import { parseReport, reportFields } from './queue-protocol';

describe('queue reports and addresses', () => {
  it('reads back what a worker wrote, in its order', () => {
    const fields = reportFields('PRD-1/T1#2', 3, { kind: 'event', event: { type: 'attempt.activity', attemptId: 'PRD-1/T1#2', activity: { kind: 'text', text: 'hi' } } });
    const report = parseReport('1-0', fields);
    assert.ok(!('error' in report));
    assert.equal(report.attemptId, 'PRD-1/T1#2');
    assert.equal(report.seq, 3);
    assert.equal(report.body.kind, 'event');
  });

  it('refuses reports that could put nonsense in the log, saying which and why', () => {
    const unknownEvent = parseReport('1-1', reportFields('A#1', 1, { kind: 'event', event: { type: 'run.exploded' } as never }));
    assert.ok('error' in unknownEvent && /report 1 of A#1: event\.type: an Orch event type/.test(unknownEvent.error), JSON.stringify(unknownEvent));
    const badCommit = parseReport('1-2', reportFields('A#1', 2, { kind: 'end', worker: 'w', outcome: { outcome: 'succeeded', costUsd: 0, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 }, commit: 'HEAD' }));
    assert.ok('error' in badCommit && /commit/.test(badCommit.error));
    const noSeq = parseReport('1-3', ['a', 'A#1', 'b', '{}']);
    assert.ok('error' in noSeq && /sequence/.test(noSeq.error));
    const notJson = parseReport('1-4', ['a', 'A#1', 'n', '1', 'b', '{']);
    assert.ok('error' in notJson && /not JSON/.test(notJson.error));
  });

  it('takes redis:// URLs with port and database, and names the flag when it refuses one', () => {
    const address = parseQueueUrl('redis://10.0.0.5:6400/2');
    assert.deepEqual([address.options.host, address.options.port, address.options.db], ['10.0.0.5', 6400, 2]);
    assert.equal(parseQueueUrl('redis://queue.local').options.port, 6379);
    assert.throws(() => parseQueueUrl('http://x:1'), (e: unknown) => e instanceof InputError && /--queue expects redis:\/\/HOST:PORT, got "http:\/\/x:1"/.test(e.message));
    assert.throws(() => parseQueueUrl('localhost:6379'), InputError);
  });
});
