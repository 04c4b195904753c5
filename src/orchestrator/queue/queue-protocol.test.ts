import { strict as assert } from 'node:assert';
import { InputError } from '../errors';
import { parseQueueUrl } from './queue-connection';
import { parseReport, queueJobSchema, reportFields } from './queue-protocol';

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

  it('carries the task\'s checks to the worker and its results back, and still takes a report without them', () => {
    const outcome = { outcome: 'succeeded', costUsd: 0, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 } as const;
    const job = {
      runId: 'r', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', systemPrompt: '', prompt: 'p', model: 'sonnet', allowedTools: [], permissionMode: 'acceptEdits',
      timeoutSec: 60, inactivityTimeoutSec: 60, remote: '/r.git', startCommit: 'a'.repeat(40), branch: 'orch/r/PRD-1-T1',
      verify: { checks: [{ kind: 'command', command: 'make test' }, { kind: 'browser', url: 'index.html', browsers: ['webkit'], steps: [{ click: '#go' }, { screenshot: 'after' }] }], evidencePrefix: 'PRD-1-T1-1', defaultCommandTimeoutSec: 600, redactNames: ['MY_TOKEN'] },
    };
    assert.ok(queueJobSchema.safeParse(job).success);
    assert.ok(queueJobSchema.safeParse({ ...job, verify: undefined }).success, 'a job without checks: the coordinator runs them');
    const badPrefix = queueJobSchema.safeParse({ ...job, verify: { ...job.verify, evidencePrefix: '../x' } });
    assert.ok(!badPrefix.success && badPrefix.error.issues.some((i) => i.path.join('.') === 'verify.evidencePrefix'));

    const checks = [[{ check: 'command make test', passed: false, detail: 'exit 2', evidencePath: '/w1/evidence/PRD-1-T1-1-check1.log' }], [{ check: 'browser index.html', passed: false, detail: 'no webkit', unavailable: true as const }]];
    const withChecks = parseReport('2-0', reportFields('A#1', 4, { kind: 'end', worker: 'w1', outcome, commit: 'b'.repeat(40), checks, evidence: { commit: 'c'.repeat(40), dir: '/w1/evidence' } }));
    assert.ok(!('error' in withChecks) && withChecks.body.kind === 'end' && withChecks.body.checks?.[1]?.[0]?.unavailable === true);
    const older = parseReport('2-1', reportFields('A#1', 4, { kind: 'end', worker: 'w1', outcome, commit: 'b'.repeat(40) }));
    assert.ok(!('error' in older) && older.body.kind === 'end' && older.body.checks === undefined);
    const forged = parseReport('2-2', ['a', 'A#1', 'n', '4', 'b', JSON.stringify({ kind: 'end', worker: 'w1', outcome, checks: [[{ check: 'x', passed: 'yes', detail: '' }]] })]);
    assert.ok('error' in forged && /checks\.0\.0\.passed/.test(forged.error), JSON.stringify(forged));
  });

  it('takes redis:// URLs with port and database, and names the flag when it refuses one', () => {
    const address = parseQueueUrl('redis://10.0.0.5:6400/2');
    assert.deepEqual([address.options.host, address.options.port, address.options.db], ['10.0.0.5', 6400, 2]);
    assert.equal(parseQueueUrl('redis://queue.local').options.port, 6379);
    assert.throws(() => parseQueueUrl('http://x:1'), (e: unknown) => e instanceof InputError && /--queue expects redis:\/\/HOST:PORT, got "http:\/\/x:1"/.test(e.message));
    assert.throws(() => parseQueueUrl('localhost:6379'), InputError);
  });
});
