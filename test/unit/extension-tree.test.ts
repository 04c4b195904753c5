import { strict as assert } from 'node:assert';
import type { RegistrySnapshot } from '../../src/orchestrator/agents/agent-types';
import type { NewEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { agentsTree } from '../../src/extension/model/agents-tree';
import { dashboardTarget } from '../../src/extension/model/dashboard-target';
import { planTree, runTree } from '../../src/extension/model/run-tree';
import { statusText } from '../../src/extension/model/status-text';
import type { TreeNode } from '../../src/extension/model/tree-node';
import { roadmapWith, sequenced, task } from '../support/builders';

const roadmap = roadmapWith([
  { milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2', { depends: ['T1'] }), task('PRD-1', 'T3')] } },
  { milestone: '0.2', prd: { id: 'PRD-2', tasks: [task('PRD-2', 'T1')] } },
]);

function run(milestones: string[], more: NewEvent[]): RunSnapshot {
  const state = foldEvents(sequenced('r1', [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones, budgetUsd: 2 }, { type: 'plan.loaded', roadmap }, ...more]));
  assert.ok(state);
  return state;
}

const t1Done: NewEvent[] = [
  { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'backend-engineer', model: 'sonnet', prompt: 'p' },
  { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'failed', failure: 'overloaded', message: 'API overloaded', costUsd: 0.1, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 },
  { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#2', agent: 'backend-engineer', model: 'sonnet', prompt: 'p', resumeOf: 'PRD-1/T1#1' },
  { type: 'attempt.finished', attemptId: 'PRD-1/T1#2', outcome: 'succeeded', costUsd: 0.32, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 },
  { type: 'task.verified', taskId: 'PRD-1/T1', checks: [{ check: 'file a.ts', passed: true, detail: '3 bytes' }], basis: 'checks' },
];

function findOrUndefined(nodes: readonly TreeNode[], id: string): TreeNode | undefined {
  for (const n of nodes) {
    const found = n.id === id ? n : findOrUndefined(n.children, id);
    if (found !== undefined) return found;
  }
  return undefined;
}

function find(nodes: readonly TreeNode[], id: string): TreeNode {
  const found = findOrUndefined(nodes, id);
  assert.ok(found, `no node ${id}`);
  return found;
}

describe('extension tree model', () => {
  it('nests roadmap > phase > milestone > PRD > task > attempt for the selected milestones only', () => {
    const tree = runTree(run(['0.1'], t1Done));
    const [root] = tree;
    assert.equal(root?.kind, 'roadmap');
    assert.deepEqual(root?.children.map((n) => n.id), ['phase:0']);
    assert.deepEqual(find(tree, 'phase:0').children.map((n) => n.id), ['milestone:0.1']);
    assert.deepEqual(find(tree, 'milestone:0.1').children.map((n) => n.id), ['prd:PRD-1']);
    assert.deepEqual(find(tree, 'prd:PRD-1').children.map((n) => n.label), ['T1 Task T1', 'T2 Task T2', 'T3 Task T3']);
    assert.deepEqual(find(tree, 'task:PRD-1/T1').children.map((n) => n.label), ['#1 backend-engineer', '#2 backend-engineer']);
    assert.equal(findOrUndefined(tree, 'milestone:0.2'), undefined);
  });

  it('opens milestone, PRD, task and attempt items at their dashboard level, in the run shown', () => {
    const tree = runTree(run(['0.1'], t1Done));
    assert.deepEqual(dashboardTarget(find(tree, 'milestone:0.1'), 'r1'), { runId: 'r1', level: 'milestone', id: '0.1' });
    assert.deepEqual(dashboardTarget(find(tree, 'prd:PRD-1'), 'r1'), { runId: 'r1', level: 'prd', id: 'PRD-1' });
    assert.deepEqual(dashboardTarget(find(tree, 'task:PRD-1/T1'), 'r1'), { runId: 'r1', level: 'task', id: 'PRD-1/T1' });
    assert.deepEqual(dashboardTarget(find(tree, 'attempt:PRD-1/T1#2'), 'r1'), { runId: 'r1', level: 'attempt', id: 'PRD-1/T1#2' });
    assert.equal(dashboardTarget(find(tree, 'phase:0'), 'r1'), undefined);
    assert.equal(dashboardTarget(find(tree, 'run:r1'), 'r1'), undefined);
    // A plan shown before any run: the page shows the level in whatever run it follows.
    assert.deepEqual(dashboardTarget(find(planTree(roadmap), 'task:PRD-2/T1'), undefined), { level: 'task', id: 'PRD-2/T1' });
  });

  it('describes progress as "verified/total verified · $cost" and marks states with icons', () => {
    const tree = runTree(run(['0.1'], t1Done));
    assert.equal(tree[0]?.description, 'running · 1/3 verified · $0.42');
    assert.equal(find(tree, 'prd:PRD-1').description, '1/3 verified · $0.42');
    const t1 = find(tree, 'task:PRD-1/T1');
    assert.equal(t1.description, 'verified · backend-engineer · $0.42');
    assert.deepEqual(t1.icon, { id: 'pass-filled', color: 'testing.iconPassed' });
    assert.match(t1.tooltip ?? '', /✓ file a\.ts: 3 bytes/);
    const failed = find(tree, 'attempt:PRD-1/T1#1');
    assert.equal(failed.description, 'failed · sonnet · $0.10');
    assert.match(failed.tooltip ?? '', /Outcome: failed \(overloaded\)\nMessage: API overloaded/);
    assert.equal(find(tree, 'task:PRD-1/T2').icon?.id, 'circle-large-outline');
  });

  it('shows the most urgent task state on a group: a failure outranks work in progress', () => {
    const tree = runTree(
      run([], [
        { type: 'attempt.started', taskId: 'PRD-1/T3', attemptId: 'PRD-1/T3#1', agent: 'a', model: 'm', prompt: 'p' },
        { type: 'task.failed', taskId: 'PRD-1/T1', reason: 'file a.ts missing', checks: [] },
      ]),
    );
    assert.equal(find(tree, 'prd:PRD-1').icon?.id, 'error');
    assert.match(find(tree, 'task:PRD-1/T1').tooltip ?? '', /Error: file a\.ts missing/);
    assert.equal(find(tree, 'prd:PRD-2').icon?.id, 'circle-large-outline');
    assert.equal(find(tree, 'task:PRD-1/T3').expanded, true);
  });

  it('says a run is waiting for its plan before plan.loaded', () => {
    const state = foldEvents(sequenced('r2', [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }]));
    assert.ok(state);
    const [only] = runTree(state);
    assert.equal(only?.kind, 'message');
    assert.equal(only?.description, 'running · waiting for the plan');
  });

  it('shows a plan before any run: every milestone, every task pending, PRD files to open', () => {
    const withEmpty = { ...roadmap, phases: [{ ...roadmap.phases[0]!, milestones: [...roadmap.phases[0]!.milestones, { ...roadmap.phases[0]!.milestones[0]!, id: '0.3', title: 'Later', prds: [] }] }] };
    const tree = planTree(withEmpty);
    assert.equal(tree[0]?.description, 'plan · 3 milestones · 4 tasks');
    assert.equal(find(tree, 'task:PRD-2/T1').description, 'pending');
    assert.equal(find(tree, 'prd:PRD-2').file, 'PRD-2.md');
    assert.equal(find(tree, 'milestone:0.3').description, 'no PRD yet: planned in the requirements phase');
  });

  it('puts progress and cost of the budget in the status bar', () => {
    const status = statusText(run(['0.1'], t1Done));
    assert.equal(status.text, '$(sync~spin) Orch 1/3 · $0.42');
    assert.match(status.tooltip, /Cost \$0\.42 of \$2\.00/);
    assert.equal(statusText(undefined).text, '$(map) Orch');
  });

  it('lists agents with who is busy on which task, and invalid files with file:line', () => {
    const agent = (name: string) => ({
      name, description: `${name} does things`, prompt: '', tools: undefined, model: 'sonnet', provider: 'claude' as const, team: 'engineering',
      phases: ['implementation'], maxParallel: undefined, budgetUsd: undefined, extra: {}, source: `/agents/${name}.md`, origin: 'builtin' as const, overrides: [],
    });
    const registry: RegistrySnapshot = {
      version: 1,
      agents: new Map([['backend-engineer', agent('backend-engineer')], ['qa-engineer', agent('qa-engineer')]]),
      invalid: [{ file: '/ws/.orch/agents/bad.md', line: 3, message: 'tools must be a list', hint: 'write tools: [Read]' }],
      teams: new Map(),
      warnings: [],
      phases: ['implementation'],
    };
    const nodes = agentsTree(registry, run([], [{ type: 'attempt.started', taskId: 'PRD-1/T3', attemptId: 'PRD-1/T3#1', agent: 'qa-engineer', model: 'm', prompt: 'p' }]));
    assert.deepEqual(nodes.map((n) => [n.label, n.description]), [
      ['backend-engineer', 'sonnet · engineering'],
      ['qa-engineer', 'busy: PRD-1/T3 · sonnet · engineering'],
      ['bad.md:3', 'tools must be a list'],
    ]);
    assert.equal(nodes[0]?.file, '/agents/backend-engineer.md');
  });
});
