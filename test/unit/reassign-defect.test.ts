import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { roadmapWith, sequenced, task } from '../support/builders';
import type { NewEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import type { AgentDefinition } from '../../src/orchestrator/agents/agent-types';
import type { EngineContext } from '../../src/orchestrator/engine/engine-context';
import { reassignedOwner, reassignmentProblem } from '../../src/orchestrator/defects/reassign-defect';
import { claimReassignments, dropReassignment } from '../../src/orchestrator/defects/reassign-drop';
import { followRework, reworkAgent, reworkModel } from '../../src/orchestrator/defects/raise-defect';
import { applyReassignments } from '../../src/orchestrator/defects/apply-reassignments';

const owner = { agent: 'backend-engineer', model: 'haiku' };
const roadmap = roadmapWith([{ milestone: '1.1', prd: { id: 'P', tasks: [task('P', 'T1')] } }]);
const opened = (defectId: string): NewEvent => ({ type: 'defect.opened', defectId, taskId: 'P/T1', attemptId: 'P/T1#1', source: 'check', severity: 'major', category: defectId, owner, summary: 's' });
const head: NewEvent[] = [
  { type: 'run.started', roadmapFile: 'r.md', milestones: [] },
  { type: 'plan.loaded', roadmap },
  { type: 'attempt.started', taskId: 'P/T1', attemptId: 'P/T1#1', agent: 'backend-engineer', model: 'haiku', prompt: 'p' },
  opened('D1'),
  opened('D2'),
];
const run = (...more: NewEvent[]): RunSnapshot => foldEvents(sequenced('r', [...head, ...more]))!;
const agents = ['backend-engineer', 'qa-engineer', 'tech-lead'];
const definition = (name: string): AgentDefinition => ({ name, provider: 'claude' }) as AgentDefinition;
const ctxOf = (state: RunSnapshot): EngineContext => ({ state: () => state, registry: { agents: new Map(agents.map((a) => [a, definition(a)])) } }) as unknown as EngineContext;

describe('reassigning a defect', () => {
  it('refuses an unknown defect, a settled one and an unknown agent, naming what would do', () => {
    const s = run({ type: 'defect.closed', defectId: 'D2' });
    assert.deepEqual(reassignmentProblem(s, 'D9', { agent: 'qa-engineer' }, agents), { message: 'run r has no defect D9', hint: 'its defects: D1, D2' });
    assert.match(reassignmentProblem(s, 'D2', { agent: 'qa-engineer' }, agents)?.message ?? '', /D2 of P\/T1 is closed, not open/);
    assert.deepEqual(reassignmentProblem(s, 'D1', { agent: 'nobody' }, agents), { message: 'no agent named "nobody" in the registry', hint: 'valid agents: backend-engineer, qa-engineer, tech-lead' });
    assert.equal(reassignmentProblem(s, 'D1', { agent: 'qa-engineer', model: 'opus' }, agents), undefined);
  });

  it('keeps the routed model when none is given, and records who reassigned it', () => {
    assert.deepEqual(reassignedOwner(run(), 'P/T1', owner, { agent: 'qa-engineer' }), { agent: 'qa-engineer', model: 'haiku' });
    const s = run({ type: 'defect.reassigned', defectId: 'D1', to: { agent: 'qa-engineer', model: 'opus' }, by: 'vscode' });
    assert.deepEqual([s.defects?.D1?.owner, s.defects?.D1?.reassigned?.by], [{ agent: 'qa-engineer', model: 'opus' }, 'vscode']);
  });

  it("sends the rework to the latest reassignment's agent and model, over an escalation", () => {
    const assigned = definition('backend-engineer');
    const before = ctxOf(run({ type: 'defect.escalated', defectId: 'D2', from: owner, to: { agent: 'tech-lead', model: 'sonnet' }, reason: 'x' }));
    assert.deepEqual([reworkAgent(before, 'P/T1', assigned).name, reworkModel(before, 'P/T1', 'sonnet')], ['tech-lead', 'sonnet']);
    const after = ctxOf(
      run(
        { type: 'defect.escalated', defectId: 'D2', from: owner, to: { agent: 'tech-lead', model: 'sonnet' }, reason: 'x' },
        { type: 'defect.reassigned', defectId: 'D1', to: { agent: 'tech-lead', model: 'haiku' }, by: 'a' },
        { type: 'defect.reassigned', defectId: 'D2', to: { agent: 'qa-engineer', model: 'opus' }, by: 'b' },
      ),
    );
    assert.deepEqual([reworkAgent(after, 'P/T1', assigned).name, reworkModel(after, 'P/T1', 'sonnet')], ['qa-engineer', 'opus']);
  });

  it("leaves a person's choice alone when the router steps up the task's model", async () => {
    const s = run({ type: 'defect.reassigned', defectId: 'D1', to: { agent: 'qa-engineer', model: 'haiku' }, by: 'a' });
    const routed = { ...s, tasks: { ...s.tasks, 'P/T1': { ...s.tasks['P/T1']!, routing: { model: 'sonnet' } } } } as unknown as RunSnapshot;
    const appended: NewEvent[] = [];
    const ctx = { ...ctxOf(routed), assignments: new Map(), config: { review: {} }, log: { append: async (e: NewEvent) => void appended.push(e) } } as unknown as EngineContext;
    await followRework(ctx, 'P/T1');
    assert.deepEqual(appended.map((e) => e.type === 'defect.escalated' && [e.defectId, e.to.model]), [['D2', 'sonnet']]);
  });

  it('the run records waiting requests as its own events, warns about a stale one, and leaves none behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orch-reassign-'));
    try {
      const appended: NewEvent[] = [];
      const state = run({ type: 'defect.closed', defectId: 'D2' });
      const ctx = { ...ctxOf(state), runId: 'r', paths: { runDir: () => dir }, log: { append: async (e: NewEvent) => void appended.push(e) } } as unknown as EngineContext;
      await dropReassignment(dir, { defectId: 'D1', agent: 'qa-engineer', by: 'dashboard' });
      await dropReassignment(dir, { defectId: 'D2', agent: 'qa-engineer', by: 'vscode' });
      await applyReassignments(ctx);
      assert.deepEqual(appended[0], { type: 'defect.reassigned', defectId: 'D1', to: { agent: 'qa-engineer', model: 'haiku' }, by: 'dashboard' });
      assert.deepEqual(appended.slice(1).map((e) => e.type === 'warning.raised' && e.message), ['reassignment of D2 to qa-engineer by vscode was not applied: defect D2 of P/T1 is closed, not open']);
      assert.deepEqual(await readdir(join(dir, 'reassign')), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('hands each dropped request to exactly one taker', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orch-reassign-'));
    try {
      await dropReassignment(dir, { defectId: 'D1', agent: 'qa-engineer', by: 'api' });
      const [first, second] = await Promise.all([claimReassignments(dir), claimReassignments(dir)]);
      const requests = [...first, ...second].map((c) => c.request);
      assert.deepEqual(requests, [{ defectId: 'D1', agent: 'qa-engineer', by: 'api' }]);
      assert.deepEqual(await claimReassignments(dir), []);
      assert.equal((await readdir(join(dir, 'reassign'))).filter((n) => n.endsWith('.json')).length, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
