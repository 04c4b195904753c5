import { strict as assert } from 'node:assert';
import type { Task } from '../../protocol/domain';
import { task } from '../../../test/support/builders';
import { ModelCatalog } from './model-catalog';
import { routeTask, type RouteInput } from './route-task';
import { EMPTY_HISTORY } from './routing-history';
import { filesNamed, taskComplexity } from './task-complexity';

const catalog = ModelCatalog.build();
const on = { enabled: true, targetFirstPassRate: 0.85 };

const simple = task('P', 'T1', { description: 'Create one.txt.', verify: [{ kind: 'file', path: 'one.txt' }] });
const hard = task('P', 'T2', {
  description: 'Implement the websocket transport in src/server.ts and src/client.ts with token auth, resume after reconnect and back-pressure. '.repeat(8),
  depends: ['T0', 'T1'],
  verify: [{ kind: 'command', command: 'npm test' }, { kind: 'command', command: 'npm run lint' }, { kind: 'file', path: 'src/server.ts' }],
});

function input(t: Task, extra: Partial<RouteInput> = {}): RouteInput {
  return { task: t, phase: 'implementation', agentName: 'backend-engineer', agentProvider: 'claude', agentModel: 'sonnet', ...extra };
}

describe('routeTask', () => {
  it('sends a small task to the cheapest model that meets the target, saying why', () => {
    const d = routeTask(input(simple), catalog, EMPTY_HISTORY, on);
    assert.deepEqual([d.model, d.source], ['haiku', 'router']);
    assert.match(d.reasons[1]!, /^complexity 0\.\d\d: phase implementation \+0\.10/);
    assert.match(d.reasons[0]!, /haiku: expected first pass \d+\.\d% >= target 85\.0% .* the cheapest that meets it/);
    assert.deepEqual(d.alternatives.map((a) => a.model), ['haiku', 'sonnet', 'opus']);
  });

  it('sends a large, checked, dependent task to a stronger model and names the cheaper ones it passed over', () => {
    const d = routeTask(input(hard), catalog, EMPTY_HISTORY, on);
    assert.equal(d.model, 'sonnet');
    assert.ok(d.complexity > 0.4, String(d.complexity));
    assert.ok(d.reasons.some((r) => /^haiku is cheaper .* but expects/.test(r)));
    // The same task for a role whose author chose opus looks harder still.
    const staff = routeTask(input(hard, { agentName: 'staff-engineer', agentModel: 'opus', phase: 'architecture' }), catalog, EMPTY_HISTORY, on);
    assert.equal(staff.model, 'opus', staff.reasons.join('\n'));
  });

  it('says when earlier runs of the workspace taught it to pass over a model', () => {
    const complexity = routeTask(input(simple), catalog, EMPTY_HISTORY, on).complexity;
    const earlier = [0, 1, 2, 3, 4].map(() => ({ model: 'haiku', complexity, firstPass: false, earlier: true }));
    const d = routeTask(input(simple), catalog, { ...EMPTY_HISTORY, outcomes: earlier }, on);
    assert.equal(d.model, 'sonnet');
    assert.ok(d.reasons.some((r) => /^learned from history: haiku failed 5 of 5 first attempts in earlier runs, where 0\.\d were expected$/.test(r)), d.reasons.join('\n'));
  });

  it('never overrides a pin, even with a cheaper model meeting the target', () => {
    const d = routeTask(input({ ...simple, model: 'opus' }), catalog, EMPTY_HISTORY, on);
    assert.deepEqual([d.model, d.source], ['opus', 'pin']);
    assert.match(d.reasons[0]!, /pinned to opus by the PRD/);
  });

  it('uses the agent\'s model when routing is off, and stays within the agent\'s provider', () => {
    assert.deepEqual(routeTask(input(hard), catalog, EMPTY_HISTORY, { ...on, enabled: false }).model, 'sonnet');
    const openai = routeTask(input(simple, { agentProvider: 'openai', agentModel: 'gpt-4.1-mini', phase: 'requirements' }), catalog, EMPTY_HISTORY, on);
    assert.ok(openai.alternatives.every((a) => a.model.startsWith('gpt-')));
  });

  it('learns from outcomes: first-pass failures of the cheap model at this complexity move the choice up', () => {
    const complexity = routeTask(input(simple), catalog, EMPTY_HISTORY, on).complexity;
    const outcomes = (failures: number) => Array.from({ length: 10 }, (_, i) => ({ model: 'haiku', complexity, firstPass: i >= failures }));
    // One slip in ten is within the noise of what the prior expects: the cheap model keeps its tasks.
    assert.equal(routeTask(input(simple), catalog, { outcomes: outcomes(1), costScale: 1, costSamples: 0 }, on).model, 'haiku');
    const d = routeTask(input(simple), catalog, { outcomes: outcomes(6), costScale: 1, costSamples: 0 }, on);
    assert.equal(d.model, 'sonnet');
    assert.ok(d.alternatives.find((a) => a.model === 'haiku')!.expectedFirstPass < on.targetFirstPassRate);
  });

  it('scales every model\'s predicted cost by what attempts really cost, keeping their order', () => {
    const list = routeTask(input(simple), catalog, EMPTY_HISTORY, on).alternatives;
    const scaled = routeTask(input(simple), catalog, { outcomes: [], costScale: 0.1, costSamples: 2 }, on).alternatives;
    for (const [i, a] of scaled.entries()) assert.ok(Math.abs(a.expectedCostUsd - list[i]!.expectedCostUsd * 0.1) < 1e-12, a.model);
  });
});

describe('taskComplexity', () => {
  it('weighs the phase, the description, checks, dependencies, files and the role, each part kept', () => {
    const c = taskComplexity(hard, 'security-review', 'strong');
    assert.deepEqual(c.parts.map((p) => p.label.split(' ')[0]), ['phase', '128', '3', '2', '2', 'role\'s']);
    assert.ok(c.score <= 1);
    assert.ok(taskComplexity(simple, 'qa', 'fast').score < taskComplexity(simple, 'architecture', 'fast').score);
  });

  it('counts files named in prose, not version numbers', () => {
    assert.equal(filesNamed('Edit src/a.ts and `docs/b.md`, then package.json. Version 1.2.3 stays.'), 3);
  });
});
