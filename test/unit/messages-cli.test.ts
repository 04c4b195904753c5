import { strict as assert } from 'node:assert';
import { runCli } from '../../src/cli/run-cli';
import type { NewEvent } from '../../src/protocol/events';
import { roadmapWith, task } from '../support/builders';
import { useTempDir } from '../support/temp-dir';
import { writeRun } from '../integration/server-harness';

const RUN_ID = '20260101T002000-abcdef';
const roadmap = roadmapWith([
  { milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2')] } },
  { milestone: '0.1', prd: { id: 'PRD-2', tasks: [task('PRD-2', 'T1')] } },
]);
const sent = (messageId: string, from: string, to: string): NewEvent => ({ type: 'message.sent', messageId, from, to, text: `${from} to ${to}`, kind: 'message' });

// --task names a task as diff, answer and resume do: one task, or an input error (exit 2) naming the run's log.
describe('orch messages --task', () => {
  const dir = useTempDir('orch-messages-');

  beforeEach(async () => {
    const log = await writeRun(dir.path, RUN_ID, [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }, { type: 'plan.loaded', roadmap }, sent('m1', 'PRD-1/T1', 'PRD-1/T2'), sent('m2', 'PRD-2/T1', 'PRD-1/T2')]);
    await log.close();
  });

  async function messages(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['messages', RUN_ID, ...args], { cwd: dir.path, env: {}, out: (t) => void out.push(t), err: (t) => void err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('shows one task\'s conversation, by its short id when only one PRD has it', async () => {
    const { code, out, err } = await messages('--task', 'PRD-2/T1', '--json');
    assert.equal(code, 0, err);
    assert.deepEqual((JSON.parse(out) as { messages: { id: string }[] }).messages.map((m) => m.id), ['m2']);
    const short = await messages('--task', 'T2', '--json');
    assert.deepEqual((JSON.parse(short.out) as { messages: { id: string }[] }).messages.map((m) => m.id), ['m1', 'm2']);
  });

  it('refuses a short id two PRDs share (exit 2), naming both', async () => {
    const { code, out, err } = await messages('--task', 'T1');
    assert.equal(code, 2, out);
    assert.match(err, /events\.jsonl: task "T1" is ambiguous in run \S+: PRD-1\/T1, PRD-2\/T1/);
    assert.equal(out, '');
  });

  it('refuses a task the run does not have (exit 2), listing its tasks', async () => {
    const { code, out, err } = await messages('--task', 'PRD-9/T9');
    assert.equal(code, 2, out);
    assert.match(err, /events\.jsonl: no task "PRD-9\/T9" in run \S+ \(its tasks: PRD-1\/T1, PRD-1\/T2, PRD-2\/T1\)/);
    assert.equal(out, '');
  });
});
