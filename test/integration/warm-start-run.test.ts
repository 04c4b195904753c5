// Runs whose next task's CLI is started while the current one works (the real claude CLI against
// the scripted model): claimed at dispatch when it is exactly that spawn, stopped and replaced by
// a fresh one when not, and gone after a kill -9 of Orch and a resume.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { gitOk } from '../../src/orchestrator/engine/git';
import { findMarkedProcesses } from '../../src/orchestrator/runner/process-group';
import { textReply } from '../../src/scripted-model/reply';
import { writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import type { OrchEvent } from '../../src/protocol/events';
import type { EventLog } from '../../src/orchestrator/events/event-log';
import { engineFixture, prd } from '../support/engine-fixture';
import { liveMarked } from '../support/runner-harness';
import { useTempDir } from '../support/temp-dir';
import { exited } from '../support/process-exit';

const PRD_ID = 'PRD-W';
const TASKS = [
  { id: 'T1', file: 'one.txt' },
  { id: 'T2', file: 'two.txt' },
  { id: 'T3', file: 'three.txt' },
];

/** The CLI started ahead for the task's first attempt is up (its environment names the attempt). */
function warmUp(taskId: string): boolean {
  return liveMarked(`ORCH_ATTEMPT_ID=${PRD_ID}/${taskId}#1`).length > 0;
}

async function until(check: () => boolean, ms = 30_000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (check()) return true;
    await sleep(50);
  }
  return false;
}

/**
 * Each task writes its file; its first turn waits until the next task's CLI is up, so the run
 * shows the warm start whatever the machine's speed. `whenNextUp` runs at that moment.
 */
function scenario(tasks: readonly { id: string; file: string }[], whenNextUp: (task: string) => void = () => undefined, waits: () => boolean = () => true): Scenario {
  return async (request, context) => {
    const task = /## Task (\S+):/.exec(request.userText)?.[1] ?? '';
    const file = tasks.find((t) => t.id === task)?.file ?? 'other.txt';
    if (turnsSinceLastInstruction(request) > 0) return textReply(`Wrote ${file}.`);
    const next = tasks[tasks.findIndex((t) => t.id === task) + 1];
    if (next !== undefined && waits() && (await until(() => warmUp(next.id)))) whenNextUp(task);
    return writeTool(file, `${task}\n`)(request, context);
  };
}

function warmAttempts(events: readonly OrchEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'attempt.activity' && e.activity.kind === 'init' && e.activity.warm === true ? [e.attemptId] : []));
}

function verified(events: readonly OrchEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'task.verified' ? [e.taskId] : [])).sort();
}

describe('warm starts in a run', function () {
  this.timeout(300_000);
  const tmp = useTempDir();

  it('orch run --parallel 1: the 2nd and 3rd attempts run on CLIs started ahead, every task is verified, no process is left', async () => {
    const f = await engineFixture(tmp.path, { 'w.md': prd(PRD_ID, TASKS) }, scenario(TASKS));
    try {
      const run = await exited(f.orch(['run', 'roadmap.md', '--parallel', '1', '--no-dashboard']));
      assert.equal(run.code, 0, run.out);
      const runId = f.eventsFile()!.split('/').at(-2)!;
      const events = f.events(runId);
      assert.deepEqual(verified(events), ['PRD-W/T1', 'PRD-W/T2', 'PRD-W/T3']);
      assert.deepEqual(warmAttempts(events), ['PRD-W/T2#1', 'PRD-W/T3#1']);
      assert.deepEqual(
        events.filter((e) => e.type === 'attempt.started').map((e) => (e as { attemptId: string }).attemptId),
        ['PRD-W/T1#1', 'PRD-W/T2#1', 'PRD-W/T3#1'],
        'one attempt per task: nothing of a warm process is logged as an attempt of its own',
      );
      assert.deepEqual(liveMarked(`ORCH_RUN_ID=${runId}`), []);
    } finally {
      await f.model.close();
    }
  });

  it('with worktree.setup and .worktreeinclude: the waiting task\'s worktree is set up while the current one works, and its CLI starts warm in the set-up folder', async () => {
    const count = join(tmp.path, 'setup-count');
    const withChecks = prd(PRD_ID, TASKS).replace(/( {6}- file: \S+\n)/g, '$1      - command: grep -q installed deps/lib.txt && grep -qx local local.env\n');
    const f = await engineFixture(tmp.path, { 'w.md': withChecks }, scenario(TASKS));
    try {
      writeFileSync(join(f.workspace, '.gitignore'), 'deps/\nlocal.env\n');
      writeFileSync(join(f.workspace, '.worktreeinclude'), 'local.env\n');
      await gitOk(f.workspace, ['add', '.gitignore', '.worktreeinclude']);
      await gitOk(f.workspace, ['commit', '-q', '-m', 'ignored deps, an included local file']);
      writeFileSync(join(f.workspace, 'local.env'), 'local\n');
      const setup = `mkdir -p deps && echo installed > deps/lib.txt && echo x >> ${count}`;
      const outcome = await f.run({ parallel: 1, config: { worktree: { setup, setupTimeoutSec: 60 } } });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const events = f.events(outcome.runId);
      assert.deepEqual(verified(events), ['PRD-W/T1', 'PRD-W/T2', 'PRD-W/T3'], 'each agent\'s folder had what the setup and the include put there');
      assert.deepEqual(warmAttempts(events), ['PRD-W/T2#1', 'PRD-W/T3#1']);
      assert.equal(readFileSync(count, 'utf8').trim().split('\n').length, 3, 'one setup per worktree');
      for (const [task, before] of [['T2', 'T1'], ['T3', 'T2']]) {
        const setUp = events.findIndex((e) => e.type === 'task.setup.finished' && e.taskId === `${PRD_ID}/${task}`);
        const previousDone = events.findIndex((e) => e.type === 'attempt.finished' && e.attemptId === `${PRD_ID}/${before}#1`);
        assert.ok(setUp >= 0 && setUp < previousDone, `${task} was set up while ${before} worked`);
      }
      assert.deepEqual(
        ['T1', 'T2', 'T3'].map((t) => outcome.snapshot.tasks[`${PRD_ID}/${t}`]?.setup?.ahead),
        [undefined, true, true],
        'the snapshot (and so the task page) says which setups ran ahead',
      );
    } finally {
      await f.model.close();
    }
  });

  it('starts no CLI ahead when free memory has no room for one more claude process, and still verifies every task', async () => {
    const f = await engineFixture(tmp.path, { 'w.md': prd(PRD_ID, TASKS.slice(0, 2)) }, scenario(TASKS.slice(0, 2), undefined, () => false));
    try {
      // Room for the one working agent (the governor always allows one), none for a waiting one.
      const outcome = await f.run({ parallel: 1, freeMemory: () => 400 * 1024 * 1024 });
      assert.equal(outcome.result, 'completed');
      const events = f.events(outcome.runId);
      assert.deepEqual(verified(events), ['PRD-W/T1', 'PRD-W/T2']);
      assert.deepEqual(warmAttempts(events), []);
    } finally {
      await f.model.close();
    }
  });

  it('falls back to a fresh CLI when the task is routed to another model meanwhile, and verifies it on that model', async () => {
    let log: EventLog | undefined;
    // While T1 works, T2 is pinned to another model than the one its CLI was started with.
    const f = await engineFixture(tmp.path, { 'w.md': prd(PRD_ID, TASKS.slice(0, 2)) }, scenario(TASKS.slice(0, 2), (task) => {
      if (task === 'T1') void log?.append({ type: 'model.routed', taskId: `${PRD_ID}/T2`, model: 'opus', source: 'pin', complexity: 0.1, reasons: ['pinned by the test'], alternatives: [] });
    }));
    try {
      const outcome = await f.run({ parallel: 1, onLog: (l) => (log = l) });
      assert.equal(outcome.result, 'completed');
      const events = f.events(outcome.runId);
      assert.deepEqual(verified(events), ['PRD-W/T1', 'PRD-W/T2']);
      const t2 = events.find((e) => e.type === 'attempt.started' && e.attemptId === 'PRD-W/T2#1');
      assert.equal((t2 as { model?: string } | undefined)?.model, 'opus');
      assert.deepEqual(warmAttempts(events), [], 'T2 ran on a fresh CLI');
      assert.deepEqual(liveMarked(`ORCH_ATTEMPT_ID=${PRD_ID}/T2#1`), [], 'the CLI started ahead was stopped');
    } finally {
      await f.model.close();
    }
  });

  it("falls back to a fresh CLI when the agents' environment changed meanwhile, and still verifies the task", async () => {
    let env: Record<string, string> = {};
    // While T1 works, the agents' environment changes: T2's CLI, started before, no longer fits.
    const f = await engineFixture(tmp.path, { 'w.md': prd(PRD_ID, TASKS.slice(0, 2)) }, scenario(TASKS.slice(0, 2), (task) => {
      if (task === 'T1') env.ORCH_TEST_CHANGED = 'yes';
    }));
    env = f.env;
    try {
      const outcome = await f.run({ parallel: 1 });
      assert.equal(outcome.result, 'completed');
      const events = f.events(outcome.runId);
      assert.deepEqual(verified(events), ['PRD-W/T1', 'PRD-W/T2']);
      assert.deepEqual(warmAttempts(events), [], 'T2 ran on a fresh CLI');
      const t2 = liveMarked(`ORCH_ATTEMPT_ID=${PRD_ID}/T2#1`);
      assert.deepEqual(t2, [], 'the CLI started ahead was stopped');
    } finally {
      await f.model.close();
    }
  });

  it('kill -9 of Orch while a CLI waits for its task: the CLI calls no model, and after resume it is gone and the run completes', async () => {
    let killAt: (() => void) | undefined;
    let resuming = false;
    let waiting: number[] = [];
    let marked: number[] = [];
    const f = await engineFixture(
      tmp.path,
      { 'w.md': prd(PRD_ID, TASKS.slice(0, 2)) },
      scenario(
        TASKS.slice(0, 2),
        (task) => {
          if (task !== 'T1') return;
          waiting = findMarkedProcesses(`ORCH_ATTEMPT_ID=${PRD_ID}/T2#1`);
          marked = findMarkedProcesses(`ORCH_RUN_ID=${f.eventsFile()!.split('/').at(-2)!}`);
          killAt?.();
        },
        // The resumed run takes its tasks in any order: nothing to wait for.
        () => !resuming,
      ),
    );
    try {
      const first = f.orch(['run', 'roadmap.md', '--parallel', '1', '--no-dashboard']);
      const firstEnd = exited(first);
      killAt = () => first.kill('SIGKILL');
      await firstEnd;
      const runId = f.eventsFile()!.split('/').at(-2)!;
      assert.ok(waiting.length > 0, "T2's CLI was waiting when Orch was killed");
      // What the orphan cleanup of a resume looks for.
      assert.ok(waiting.every((pid) => marked.includes(pid)), 'it carries the run marker');
      const before = f.events(runId);
      assert.deepEqual(before.filter((e) => e.type === 'attempt.started').map((e) => (e as { attemptId: string }).attemptId), ['PRD-W/T1#1'], 'T2 had not started');

      resuming = true;
      // Its stdin closed with Orch: a stream-json CLI with no message ends without a model call.
      const asked = (): boolean => f.model.modelRequests().some((r) => /## Task T2:/.test(r.parsed?.userText ?? ''));
      assert.equal(asked(), false, 'no model call for T2 before the resume');
      const resumed = await exited(f.orch(['resume', '--no-dashboard']));
      assert.equal(resumed.code, 0, resumed.out);
      assert.deepEqual(liveMarked(`ORCH_ATTEMPT_ID=${PRD_ID}/T2#1`).filter((l) => waiting.includes(Number(l.split(' ')[0]))), [], 'the CLI started ahead is gone');
      const events = f.events(runId);
      assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), 'gap-free, duplicate-free sequence');
      assert.deepEqual(verified(events), ['PRD-W/T1', 'PRD-W/T2']);
      assert.deepEqual(liveMarked(`ORCH_RUN_ID=${runId}`), []);
    } finally {
      await f.model.close();
    }
  });
});
