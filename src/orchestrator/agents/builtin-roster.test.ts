import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_PHASES } from '../../protocol/domain';
import type { RegistrySnapshot } from './agent-types';
import { buildSnapshot } from './build-snapshot';
import { TestWorkspace } from '../../../test/support/agents-workspace';

const ROSTER_DIR = join(__dirname, '..', '..', '..', 'agents');

const ROLES = [
  'backend-engineer',
  'business-analyst',
  'cto',
  'data-analyst',
  'devops-engineer',
  'frontend-engineer',
  'ml-research-scientist',
  'product-planner',
  'project-manager',
  'qa-engineer',
  'reviewer',
  'security-architect',
  'staff-engineer',
  'ux-ui-designer',
];

describe('the built-in roster (agents/)', () => {
  let ws: TestWorkspace;
  let snapshot: RegistrySnapshot;
  before(async () => {
    ws = new TestWorkspace();
    snapshot = (await buildSnapshot({ ...ws, builtinDir: ROSTER_DIR, phases: DEFAULT_PHASES }, undefined)).snapshot;
  });
  after(() => ws.cleanup());

  it('loads every file without an issue, one agent per role the roadmap names', () => {
    assert.deepEqual(snapshot.invalid, []);
    assert.deepEqual([...snapshot.agents.keys()], ROLES);
    for (const agent of snapshot.agents.values()) {
      assert.equal(agent.source, join(ROSTER_DIR, `${agent.name}.md`));
      assert.equal(agent.origin, 'builtin');
    }
  });

  it('covers every workflow phase', () => {
    for (const phase of DEFAULT_PHASES) {
      const agents = [...snapshot.agents.values()].filter((a) => a.phases.includes(phase)).map((a) => a.name);
      assert.ok(agents.length > 0, `no built-in agent works in phase ${phase}`);
    }
  });

  it('puts the hardest roles on the strongest tier and routine ones on the cheapest, as the roadmap intends', () => {
    const model = (name: string) => snapshot.agents.get(name)?.model;
    for (const name of ['cto', 'staff-engineer', 'security-architect', 'ml-research-scientist']) assert.equal(model(name), 'opus', name);
    for (const name of ['frontend-engineer', 'backend-engineer', 'qa-engineer']) assert.equal(model(name), 'sonnet', name);
    for (const name of ['data-analyst', 'project-manager']) assert.equal(model(name), 'haiku', name);
  });

  it('gives every agent phases, a team and a real system prompt', () => {
    for (const agent of snapshot.agents.values()) {
      assert.ok(agent.phases.length > 0, `${agent.name} has no phases`);
      assert.ok(agent.team !== undefined, `${agent.name} has no team`);
      assert.ok(agent.prompt.length > 1500, `${agent.name}'s prompt is only ${agent.prompt.length} characters`);
      assert.ok(agent.description.length > 40, `${agent.name}'s description is too short`);
    }
  });

  it('tells tool-using agents how they are verified and how to report progress', () => {
    for (const agent of snapshot.agents.values()) {
      if (agent.provider === 'openai') continue;
      assert.ok(agent.tools?.includes('Read'), `${agent.name} should list its tools`);
      if (agent.name === 'product-planner' || agent.name === 'reviewer') continue;
      assert.match(agent.prompt, /git worktree/, agent.name);
      assert.match(agent.prompt, /report_progress/, agent.name);
      assert.match(agent.prompt, /attach_evidence/, agent.name);
      assert.match(agent.prompt, /verif/i, agent.name);
    }
  });

  it('routes the text-only roles through OpenAI with an OpenAI model and no tools', () => {
    const openai = [...snapshot.agents.values()].filter((a) => a.provider === 'openai');
    assert.deepEqual(openai.map((a) => a.name), ['business-analyst', 'ux-ui-designer']);
    for (const agent of openai) {
      assert.match(agent.model, /^gpt-/);
      assert.equal(agent.tools, undefined);
      assert.match(agent.prompt, /no tools/);
    }
  });

  it('describes the structured outputs of the planner and the reviewer', () => {
    const planner = snapshot.agents.get('product-planner')?.prompt ?? '';
    for (const key of ['"milestone"', '"tasks"', '"depends"', '"verify"', '"command"', '"browser"']) assert.ok(planner.includes(key), key);
    const reviewer = snapshot.agents.get('reviewer')?.prompt ?? '';
    for (const key of ['"verdict"', '"findings"', '"severity"', '"checks"']) assert.ok(reviewer.includes(key), key);
    assert.deepEqual(snapshot.agents.get('reviewer')?.tools, ['Read', 'Grep', 'Glob', 'Bash']);
  });
});
