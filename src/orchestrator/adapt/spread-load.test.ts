import { strict as assert } from 'node:assert';
import type { AgentDefinition, RegistrySnapshot } from '../agents/agent-types';
import { spreadLoad, type AgentLoad } from './spread-load';

function agent(name: string, extra: Partial<AgentDefinition> = {}): AgentDefinition {
  return { name, description: name, prompt: '', tools: undefined, model: 'sonnet', provider: 'claude', team: 'engineering', phases: ['implementation'], maxParallel: undefined, budgetUsd: undefined, extra: {}, source: `${name}.md`, origin: 'workspace-orch', overrides: [], ...extra };
}

function registry(...agents: AgentDefinition[]): RegistrySnapshot {
  const teams = new Map<string, string[]>();
  for (const a of agents) if (a.team !== undefined) teams.set(a.team, [...(teams.get(a.team) ?? []), a.name]);
  return { version: 1, agents: new Map(agents.map((a) => [a.name, a])), invalid: [], teams, warnings: [], phases: ['implementation', 'qa'] };
}

const backend = agent('backend-engineer', { maxParallel: 1 });
const loads = (l: Readonly<Record<string, Partial<AgentLoad>>>) => (name: string): AgentLoad => ({ busy: 0, spentUsd: 0, ...l[name] });
const candidate = { taskId: 'P/T2', phase: 'implementation', assigned: backend, fixed: false };

describe('spreading load across a team', () => {
  it('hands a saturated agent\'s task to a free teammate of its phase, saying why', () => {
    const reg = registry(backend, agent('qa-engineer', { phases: ['qa'] }), agent('frontend-engineer'), agent('designer', { team: 'product' }));
    const moved = spreadLoad(candidate, reg, loads({ 'backend-engineer': { busy: 1 } }), 0.9);
    assert.equal(moved?.agent.name, 'frontend-engineer');
    assert.deepEqual([moved?.adaptation.kind, moved?.adaptation.from, moved?.adaptation.to], ['load-spread', 'backend-engineer', 'frontend-engineer']);
    assert.equal(moved?.adaptation.reason, 'backend-engineer runs 1 of its maxParallel 1: frontend-engineer, of the same team (engineering) and working in phase implementation, takes it (0 running)');
  });

  it('counts an agent nearly out of budget as saturated', () => {
    const capped = agent('backend-engineer', { budgetUsd: 1 });
    const moved = spreadLoad({ ...candidate, assigned: capped }, registry(capped, agent('frontend-engineer')), loads({ 'backend-engineer': { spentUsd: 0.95 } }), 0.9);
    assert.match(moved!.adaptation.reason, /^backend-engineer has spent \$0\.9500 of its \$1\.00 budget \(95%, the threshold is 90%\)/);
  });

  it('leaves the task where it is when the agent has room, the PRD named it, or no teammate can take it', () => {
    const reg = registry(backend, agent('frontend-engineer', { maxParallel: 1 }), agent('openai-dev', { provider: 'openai' }));
    assert.equal(spreadLoad(candidate, reg, loads({}), 0.9), undefined);
    assert.equal(spreadLoad({ ...candidate, fixed: true }, reg, loads({ 'backend-engineer': { busy: 1 } }), 0.9), undefined);
    assert.equal(spreadLoad(candidate, reg, loads({ 'backend-engineer': { busy: 1 }, 'frontend-engineer': { busy: 1 } }), 0.9), undefined);
  });
});
