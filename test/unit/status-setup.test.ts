import { strict as assert } from 'node:assert';
import type { CliIo } from '../../src/cli/cli-io';
import { runCli } from '../../src/cli/run-cli';
import type { NewEvent } from '../../src/protocol/events';
import { roadmapWith, task } from '../support/builders';
import { useTempDir } from '../support/temp-dir';
import { writeRun } from '../integration/server-harness';

const RUN_ID = '20260101T001000-abcdef';
const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2')] } }]);

describe('orch status: a task\'s worktree setup', () => {
  const dir = useTempDir('orch-status-setup-');

  it('says when a setup ran ahead, while its task waited for a slot, and not for one run at dispatch', async () => {
    // Written in a folder the workspace has since been moved from: the log is named where it is now.
    const setup = (taskId: string, ahead: boolean): NewEvent => ({ type: 'task.setup.finished', taskId, command: 'npm ci', outcome: 'succeeded', durationMs: 2_000, evidencePath: `/old/place/.orch/runs/${RUN_ID}/evidence/e-${taskId.slice(-2)}.log`, included: 0, ...(ahead ? { ahead: true as const } : {}) });
    const log = await writeRun(dir.path, RUN_ID, [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }, { type: 'plan.loaded', roadmap }, setup('PRD-1/T1', false), setup('PRD-1/T2', true)]);
    await log.close();
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io: CliIo = { cwd: dir.path, env: {}, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
    assert.equal(await runCli(['status', RUN_ID], io), 0, stderr.join('\n'));
    const text = stdout.join('\n');
    const logOf = (name: string) => `(log: .orch/runs/${RUN_ID}/evidence/${name})`;
    assert.ok(text.includes(`setup: \`npm ci\` succeeded in 2.0 s ${logOf('e-T1.log')}`), text);
    assert.ok(text.includes(`setup: \`npm ci\` succeeded in 2.0 s, ahead while the task waited for a slot ${logOf('e-T2.log')}`), text);
  });

  it('counts the attempts that ran on a CLI started ahead, and says nothing when none did', async () => {
    const attempt = (n: number, warm: boolean): NewEvent[] => [
      { type: 'attempt.started', taskId: `PRD-1/T${n}`, attemptId: `PRD-1/T${n}#1`, agent: 'dev', model: 'haiku', prompt: 'p' },
      { type: 'attempt.activity', attemptId: `PRD-1/T${n}#1`, activity: { kind: 'init', sessionId: `s${n}`, model: 'claude-haiku', tools: [], ...(warm ? { warm: true as const } : {}) } },
    ];
    const status = async (runId: string, events: NewEvent[]): Promise<string> => {
      const log = await writeRun(dir.path, runId, [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }, { type: 'plan.loaded', roadmap }, ...events]);
      await log.close();
      const out: string[] = [];
      const err: string[] = [];
      assert.equal(await runCli(['status', runId], { cwd: dir.path, env: {}, out: (t) => void out.push(t), err: (t) => void err.push(t) }), 0, err.join('\n'));
      return out.join('\n');
    };
    assert.match(await status('20260101T001100-abcdef', [...attempt(1, false), ...attempt(2, true)]), /^ {2}started ahead: 1 of 2 attempt\(s\) ran on a CLI loaded while their task waited for a slot$/m);
    assert.doesNotMatch(await status('20260101T001200-abcdef', attempt(1, false)), /started ahead/);
  });
});
