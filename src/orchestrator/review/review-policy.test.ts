import { strict as assert } from 'node:assert';
import type { Roadmap } from '../../protocol/domain';
import { roadmapWith, task } from '../../../test/support/builders';
import type { AgentDefinition } from '../agents/agent-types';
import { escalationAgent } from '../defects/escalation';
import { pickReviewer, reviewWanted } from './review-policy';

function roadmap(phaseTitle: string, focus?: string): Roadmap {
  const base = roadmapWith([{ milestone: '2.1', prd: { id: 'P', tasks: [task('P', 'T1')] } }]);
  const phase = base.phases[0]!;
  return { ...base, phases: [{ ...phase, id: '2', title: phaseTitle, milestones: phase.milestones.map((m) => ({ ...m, phaseId: '2', ...(focus === undefined ? {} : { focus }) })) }] };
}

function agent(name: string, extra: Partial<AgentDefinition> = {}): AgentDefinition {
  return { name, description: name, prompt: '', tools: undefined, model: 'sonnet', provider: 'claude', team: undefined, phases: [], maxParallel: undefined, budgetUsd: undefined, extra: {}, source: `${name}.md`, origin: 'builtin', overrides: [], ...extra };
}

describe('review policy', () => {
  const plain = roadmap('Foundation');

  it('is on where the roadmap asks for leadership review, code review or cross-verification, and off elsewhere', () => {
    const wanted = (r: Roadmap): boolean => reviewWanted(task('P', 'T1'), 'implementation', r, '2.1', {});
    assert.equal(wanted(plain), false);
    assert.equal(wanted(roadmap('Trust and Leadership Review')), true);
    assert.equal(wanted(roadmap('Trust', 'The leader verifies every claim')), true);
    assert.equal(wanted(roadmap('Quality', 'every change gets a code review')), true);
    assert.equal(wanted(roadmap('Verification', 'Cross-verify agents')), true);
    assert.equal(wanted(roadmap('Reviews of the market')), false);
  });

  it('lets the task decide first, then the config\'s phases (roadmap ids or workflow phases)', () => {
    const asks = roadmap('Leadership review');
    assert.equal(reviewWanted(task('P', 'T1', { review: false }), 'implementation', asks, '2.1', {}), false);
    assert.equal(reviewWanted(task('P', 'T1', { review: true }), 'implementation', plain, '2.1', { phases: [] }), true);
    assert.equal(reviewWanted(task('P', 'T1'), 'implementation', asks, '2.1', { phases: [] }), false);
    assert.equal(reviewWanted(task('P', 'T1'), 'implementation', plain, '2.1', { phases: ['2'] }), true);
    assert.equal(reviewWanted(task('P', 'T1'), 'qa', plain, '2.1', { phases: ['qa'] }), true);
    assert.equal(reviewWanted(task('P', 'T1'), 'implementation', plain, '2.1', { phases: ['qa', '1'] }), false);
  });

  it('never picks the author: the configured agent, else reviewer, else a leadership-review agent', () => {
    const agents = new Map([agent('backend-engineer'), agent('reviewer'), agent('cto', { phases: ['leadership-review'] }), agent('gpt', { provider: 'openai' })].map((a) => [a.name, a]));
    const name = (c: ReturnType<typeof pickReviewer>): string => ('agent' in c ? c.agent.name : c.problem);
    assert.equal(name(pickReviewer('backend-engineer', agents, {})), 'reviewer');
    assert.equal(name(pickReviewer('reviewer', agents, {})), 'cto');
    assert.equal(name(pickReviewer('backend-engineer', agents, { agent: 'cto' })), 'cto');
    assert.equal(name(pickReviewer('cto', agents, { agent: 'cto' })), "review.agent 'cto' wrote the work itself; a reviewer must be another agent");
    assert.equal(name(pickReviewer('cto', agents, { agent: 'nobody' })), "review.agent 'nobody' is not a registered agent");
    assert.match(name(pickReviewer('cto', agents, { agent: 'gpt' })), /is an openai agent/);
    assert.equal(name(pickReviewer('reviewer', new Map([['reviewer', agent('reviewer')]]), {})), "no agent other than the author (reviewer) can review: add a 'reviewer' agent");
  });
});

describe('escalation to another agent', () => {
  it('hands a defect to another Claude agent of the phase, the leadership team first, never the owner or the reviewer', () => {
    const agents = new Map(
      [agent('backend-engineer', { phases: ['implementation'] }), agent('frontend-engineer', { phases: ['implementation'] }), agent('staff-engineer', { phases: ['implementation'], team: 'leadership' }), agent('reviewer', { phases: ['implementation'] }), agent('gpt', { provider: 'openai', phases: ['implementation'] })].map((a) => [a.name, a]),
    );
    assert.equal(escalationAgent(agents, 'backend-engineer', 'implementation', 'reviewer')?.name, 'staff-engineer');
    assert.equal(escalationAgent(agents, 'staff-engineer', 'implementation', 'reviewer')?.name, 'backend-engineer');
    assert.equal(escalationAgent(agents, 'backend-engineer', 'qa', 'reviewer'), undefined);
  });
});
