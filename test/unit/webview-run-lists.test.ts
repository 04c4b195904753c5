import { strict as assert } from 'node:assert';
import type { AgentSummary } from '../../src/protocol/dashboard-messages';
import { foldEvents } from '../../src/protocol/fold';
import { sampleRoadmap } from '../integration/server-harness';
import { agentRoster } from '../../webview/src/lib/agent-roster';
import { taskMessages } from '../../webview/src/lib/task-messages';
import { sequenced } from '../support/builders';

const run = foldEvents(
  sequenced('r', [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'backend-engineer', model: 'sonnet', prompt: 'p' },
    { type: 'attempt.activity', attemptId: 'PRD-1/T1#1', activity: { kind: 'text', text: 'first try' } },
    { type: 'attempt.activity', attemptId: 'PRD-1/T1#1', activity: { kind: 'tool-call', toolUseId: 't', name: 'Bash', input: {} } },
    { type: 'attempt.activity', attemptId: 'PRD-1/T1#1', activity: { kind: 'text', text: '   ' } },
    { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'failed', failure: 'crashed', costUsd: 0.1, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#2', agent: 'staff-engineer', model: 'opus', prompt: 'p' },
    { type: 'attempt.activity', attemptId: 'PRD-1/T1#2', activity: { kind: 'text', text: 'second try', truncated: '.orch/runs/r/out.txt' } },
    { type: 'attempt.started', taskId: 'PRD-1/T2', attemptId: 'PRD-1/T2#1', agent: 'ghost', model: 'haiku', prompt: 'p' },
    { type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'text', text: 'other task' } },
  ]),
);

const agent = (name: string): AgentSummary => ({ name, description: `${name} does things`, model: 'sonnet', provider: 'claude', tools: null, team: null, phases: [], source: `agents/${name}.md` });

describe('webview lists: a task\'s messages and the agent roster', () => {
  it('gathers the agents\' text on one task across attempts, oldest first, skipping blank text', () => {
    assert.ok(run !== undefined);
    const task = run.tasks['PRD-1/T1'];
    assert.ok(task !== undefined);
    assert.deepEqual(
      taskMessages(run, task).map((m) => [m.attemptId, m.agent, m.index, m.text, m.truncated]),
      [
        ['PRD-1/T1#1', 'backend-engineer', 0, 'first try', undefined],
        ['PRD-1/T1#2', 'staff-engineer', 0, 'second try', '.orch/runs/r/out.txt'],
      ],
    );
  });

  it('merges the registry with the run: busy first, then those that worked, then the rest by name', () => {
    assert.ok(run !== undefined);
    const roster = agentRoster(run, [agent('qa-engineer'), agent('backend-engineer'), agent('cto'), agent('staff-engineer')]);
    assert.deepEqual(
      roster.map((r) => [r.agent, r.running.length, r.finished, r.definition?.name ?? null]),
      [
        ['ghost', 1, 0, null],
        ['staff-engineer', 1, 0, 'staff-engineer'],
        ['backend-engineer', 0, 1, 'backend-engineer'],
        ['cto', 0, 0, 'cto'],
        ['qa-engineer', 0, 0, 'qa-engineer'],
      ],
    );
    assert.deepEqual(agentRoster(run, []).map((r) => r.agent), ['ghost', 'staff-engineer', 'backend-engineer']);
  });
});
