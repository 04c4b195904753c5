import { strict as assert } from 'node:assert';
import type { NewEvent, OrchEvent } from '../../src/protocol/events';
import { foldEvent, foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { runNotices } from '../../src/extension/model/run-notices';
import { roadmapWith, sequenced, task } from '../support/builders';

const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2')] } }]);
const start: NewEvent[] = [
  { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [], budgetUsd: 1 },
  { type: 'plan.loaded', roadmap },
];

const twoPrds: NewEvent[] = [
  { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [], budgetUsd: 1 },
  {
    type: 'plan.loaded',
    roadmap: roadmapWith([
      { milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2')] } },
      { milestone: '0.2', prd: { id: 'PRD-2', tasks: [task('PRD-2', 'T1')] } },
    ]),
  },
];

/** The snapshots before and after the last `tail.length` events. */
function step(tail: NewEvent[], head: NewEvent[] = start): [RunSnapshot | undefined, RunSnapshot] {
  const events: OrchEvent[] = sequenced('r', [...head, ...tail]);
  const before = foldEvents(events.slice(0, head.length));
  const after = events.slice(head.length).reduce<RunSnapshot | undefined>((s, e) => foldEvent(s, e), before);
  assert.ok(after);
  return [before, after];
}

describe('run notices', () => {
  it('says nothing when a log is first opened, however it ended', () => {
    const done = foldEvents(sequenced('r', [...start, { type: 'task.blocked', taskId: 'PRD-1/T1', reason: 'x' }, { type: 'run.finished', state: 'failed' }]));
    assert.deepEqual(runNotices(undefined, done), []);
  });

  it('tells of a blocked task with a button to show it', () => {
    const [before, after] = step([{ type: 'task.blocked', taskId: 'PRD-1/T2', reason: 'depends on PRD-1/T1, which failed' }]);
    assert.deepEqual(runNotices(before, after), [
      { level: 'warning', message: 'Orch: PRD-1/T2 is blocked: depends on PRD-1/T1, which failed', actions: ['Retry Task', 'Show Task', 'Show Log'], taskId: 'PRD-1/T2' },
    ]);
    assert.deepEqual(runNotices(after, after), []);
  });

  it('stays quiet about tasks blocked only because a dependency failed: the failure was announced', () => {
    const [before, after] = step([
      { type: 'task.failed', taskId: 'PRD-1/T1', reason: 'timeout: no answer', checks: [] },
      { type: 'task.blocked', taskId: 'PRD-1/T2', reason: 'dependency PRD-1/T1 is failed' },
    ]);
    assert.deepEqual(runNotices(before, after).map((n) => n.message), ['Orch: PRD-1/T1 failed: timeout: no answer']);
  });

  it('offers to raise the budget and resume when the budget pauses the run', () => {
    const [before, after] = step([
      { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'a', model: 'm', prompt: 'p' },
      { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 1.02, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 },
      { type: 'run.paused', reason: 'budget', message: 'budget exhausted' },
    ]);
    assert.deepEqual(runNotices(before, after), [{ level: 'warning', message: 'Orch: run paused: budget exhausted ($1.02 of $1.00 spent).', actions: ['Raise Budget', 'Resume'] }]);
  });

  it('reports the end of a run with its figures, and a failed task as an error', () => {
    const [before, after] = step([
      { type: 'task.failed', taskId: 'PRD-1/T1', reason: 'max-turns: the agent used its 30 turns', checks: [] },
      { type: 'run.finished', state: 'failed' },
    ]);
    assert.deepEqual(
      runNotices(before, after).map((n) => [n.level, n.message]),
      [
        ['error', 'Orch: PRD-1/T1 failed: max-turns: the agent used its 30 turns'],
        ['warning', 'Orch: run finished: a task failed or is blocked (0/2 verified, $0.00).'],
      ],
    );
    const [, completed] = step([{ type: 'task.verified', taskId: 'PRD-1/T1', checks: [], basis: 'checks' }, { type: 'task.verified', taskId: 'PRD-1/T2', checks: [], basis: 'checks' }, { type: 'run.finished', state: 'completed' }]);
    assert.equal(runNotices(before, completed).at(-1)?.message, 'Orch: run finished: every task verified (2/2 verified, $0.00).');
  });

  it('offers to retry a failed task, next to showing it', () => {
    const [before, after] = step([{ type: 'task.failed', taskId: 'PRD-1/T1', reason: 'timeout: no answer in 600 s', checks: [] }]);
    assert.deepEqual(runNotices(before, after), [
      { level: 'error', message: 'Orch: PRD-1/T1 failed: timeout: no answer in 600 s', actions: ['Retry Task', 'Show Task', 'Show Log'], taskId: 'PRD-1/T1' },
    ]);
  });

  it('asks for the Anthropic key when the claude CLI has no credentials, once for all the tasks it stopped', () => {
    // The runner's and the engine's own words (classify-outcome.ts, execute-task.ts).
    const said = 'the claude CLI has no credentials (set ANTHROPIC_API_KEY or run `claude /login`); it said "Not logged in"';
    const [before, after] = step([
      ...failedAttempt('PRD-1/T1', 'not-logged-in', said),
      ...failedAttempt('PRD-1/T2', 'not-logged-in', said),
      { type: 'task.failed', taskId: 'PRD-1/T1', reason: `not-logged-in: ${said}`, checks: [] },
      { type: 'task.failed', taskId: 'PRD-1/T2', reason: `not-logged-in: ${said}`, checks: [] },
    ]);
    assert.deepEqual(runNotices(before, after), [
      {
        level: 'warning',
        message: `Orch: needs input: PRD-1/T1 failed, no valid Anthropic API key: not-logged-in: ${said}`,
        actions: ['Set API Key', 'Show Task', 'Show Log'],
        taskId: 'PRD-1/T1',
        provider: 'Anthropic',
      },
    ]);
  });

  it('asks for the OpenAI key when OPENAI_API_KEY is missing or refused, and not again in a later fold', () => {
    const missing = 'OPENAI_API_KEY is not set: OpenAI-routed agents need it in the environment';
    const [before, after] = step([...failedAttempt('PRD-1/T1', 'not-logged-in', missing), { type: 'task.blocked', taskId: 'PRD-1/T1', reason: `not-logged-in: ${missing}` }]);
    const [notice] = runNotices(before, after);
    assert.deepEqual(notice && [notice.message, notice.actions, notice.provider, notice.taskId], [
      `Orch: needs input: PRD-1/T1 blocked, no valid OpenAI API key: not-logged-in: ${missing}`,
      ['Set API Key', 'Show Task', 'Show Log'],
      'OpenAI',
      'PRD-1/T1',
    ]);
    // The next OpenAI task meets the same refused key: the cause was announced already.
    const refused = 'the OpenAI API refused the credentials (check OPENAI_API_KEY): 401 Incorrect API key provided';
    const [, later] = step([...failedAttempt('PRD-1/T2', 'auth', refused), { type: 'task.blocked', taskId: 'PRD-1/T2', reason: `auth: ${refused}` }], [...start, ...failedAttempt('PRD-1/T1', 'not-logged-in', missing), { type: 'task.blocked', taskId: 'PRD-1/T1', reason: `not-logged-in: ${missing}` }]);
    assert.deepEqual(runNotices(after, later), []);
  });

  it('asks for each provider whose key is missing, and still tells other failures apart', () => {
    const anthropic = 'the model API refused the credentials (401): invalid x-api-key';
    const openai = 'OPENAI_API_KEY is not set: OpenAI-routed agents need it in the environment';
    const [before, after] = step(
      [
        ...failedAttempt('PRD-1/T1', 'auth', anthropic),
        { type: 'task.failed', taskId: 'PRD-1/T1', reason: `auth: ${anthropic}`, checks: [] },
        ...failedAttempt('PRD-1/T2', 'not-logged-in', openai),
        { type: 'task.blocked', taskId: 'PRD-1/T2', reason: `not-logged-in: ${openai}` },
        ...failedAttempt('PRD-2/T1', 'rate-limited', '429 slow down'),
        { type: 'task.failed', taskId: 'PRD-2/T1', reason: 'rate-limited: 429 slow down', checks: [] },
      ],
      twoPrds,
    );
    assert.deepEqual(
      runNotices(before, after).map((n) => [n.message.slice(0, 40), n.actions[0], n.provider]),
      [
        ['Orch: needs input: PRD-1/T1 failed, no v', 'Set API Key', 'Anthropic'],
        ['Orch: needs input: PRD-1/T2 blocked, no ', 'Set API Key', 'OpenAI'],
        ['Orch: PRD-2/T1 failed: rate-limited: 429', 'Retry Task', undefined],
      ],
    );
  });
});

function failedAttempt(taskId: string, failure: 'not-logged-in' | 'auth' | 'rate-limited', message: string): NewEvent[] {
  const attemptId = `${taskId}#1`;
  return [
    { type: 'attempt.started', taskId, attemptId, agent: 'a', model: 'm', prompt: 'p' },
    { type: 'attempt.finished', attemptId, outcome: 'failed', failure, message, costUsd: 0, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
  ];
}
