// Git's share of a run's overhead: 200 quick stand-in tasks through the whole engine (worktree
// add, commit, verification, merge, cleanup) at parallel 8 and 32, against the ideal wall time
// (every wave of agents back to back, git free). Medians and spread over repetitions.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Prd, Roadmap, Task } from '../src/protocol/domain';
import { gitOk } from '../src/orchestrator/engine/git';
import { Worktrees } from '../src/orchestrator/engine/worktrees';
import { workspacePaths } from '../src/orchestrator/workspace/workspace-paths';
import { percentile } from './stats';
import { runStandIns, type StandInKind } from './support/stand-in-run';

const PACE_MS = 100;
const STEPS = 5;
const TASKS = Number(process.env.ORCH_BENCH_GIT_TASKS ?? 200);
const REPEAT = Number(process.env.ORCH_BENCH_GIT_REPEAT ?? 3);
const PARALLEL = (process.env.ORCH_BENCH_GIT_PARALLEL ?? '8,32').split(',').map(Number);
// sh: a POSIX sh stand-in, so the figure is Orch and git; node: a Node process per task, as before.
const STAND_INS = (process.env.ORCH_BENCH_STAND_IN ?? 'sh,node').split(',') as StandInKind[];

// Independent tasks, so the ideal is plain waves: ceil(tasks / parallel) agent runs back to back.
function roadmap(tasks: number): Roadmap {
  const list: Prd[] = [];
  for (let p = 0; p * 10 < tasks; p++) {
    const id = `PRD-${p + 1}`;
    const count = Math.min(10, tasks - p * 10);
    const prdTasks: Task[] = Array.from({ length: count }, (_, i) => ({
      id: `T${i + 1}`,
      prdId: id,
      title: `Task ${i + 1}`,
      description: `Write out/${id}-T${i + 1}.txt.`,
      agent: 'backend-engineer',
      phase: 'implementation',
      depends: [],
      verify: [{ kind: 'file', path: `out/${id}-T${i + 1}.txt` }],
      source: { file: `${id}.md`, line: 1 },
    }));
    list.push({ id, milestoneId: '1.1', title: id, body: '', tasks: prdTasks, source: { file: `${id}.md`, line: 1 } });
  }
  return {
    title: 'bench',
    file: 'roadmap.md',
    phases: [{ id: '1', title: 'P', source: { file: 'roadmap.md', line: 1 }, milestones: [{ id: '1.1', phaseId: '1', title: 'M', features: [], successMetrics: [], prds: list, source: { file: 'roadmap.md', line: 1 } }] }],
  };
}

// Linux: the CPU of this process's waited-for children (git, the stand-ins), in ms.
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

async function oneRun(parallel: number, standIn: StandInKind): Promise<{ wallMs: number; verified: number; tasks: number; cpuMs: number; childrenMs: number }> {
  const before = childrenCpuMs();
  const { snapshot, wallMs, cpuMicros } = await runStandIns({ prefix: 'orch-bench-git-', roadmap: roadmap(TASKS), parallel, paceMs: PACE_MS, steps: STEPS, standIn });
  const verified = Object.values(snapshot.tasks).filter((t) => t.state === 'verified').length;
  return { wallMs, verified, tasks: snapshot.taskOrder.length, cpuMs: cpuMicros / 1000, childrenMs: childrenCpuMs() - before };
}

/**
 * The git steps one task meets, timed one by one in a repository of 200 files: what stays on
 * a task's path (its worktree when prefetched or not, its commit, the merge, the line counts)
 * and what now runs in the background (removal); a merge in a checkout, as runs made before.
 */
async function gitSteps(tasks: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-git-steps-'));
  try {
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, 'src'), { recursive: true });
    for (let i = 0; i < 200; i++) writeFileSync(join(ws, 'src', `f${i}.txt`), `file ${i}\n`);
    await gitOk(ws, ['init', '-q', '-b', 'main']);
    await gitOk(ws, ['add', '-A']);
    await gitOk(ws, ['commit', '-q', '-m', 'bench']);
    const w = new Worktrees(workspacePaths(ws), 'bench');
    await w.prepare();
    const times: Record<string, number[]> = { 'worktree (not prefetched)': [], 'worktree (prefetched)': [], commit: [], merge: [], 'changed lines': [], 'removal (background)': [], 'merge in a checkout (before)': [] };
    const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const started = process.hrtime.bigint();
      const result = await work();
      times[name]!.push(Number(process.hrtime.bigint() - started) / 1e6);
      return result;
    };
    const checkout = join(dir, 'checkout');
    await gitOk(ws, ['worktree', 'add', '-q', '-b', 'old-integration', checkout, 'main']);
    for (let i = 0; i < tasks; i++) {
      const id = `P/T${i}`;
      const prefetched = i % 2 === 1;
      if (prefetched) {
        void w.prefetch(id);
        // Made once its folder is there and git's work on it done (the marker of an addition gone).
        while (!existsSync(join(w.taskDir(id), 'src')) || existsSync(`${w.taskDir(id)}.adding`)) await sleep(5);
      }
      const wt = await timed(prefetched ? 'worktree (prefetched)' : 'worktree (not prefetched)', () => w.forTask(id));
      writeFileSync(join(wt, 'src', `f${i}.txt`), `changed by ${id}\n`);
      await timed('commit', () => w.commitTask(id, id));
      await timed('merge', () => w.merge(id, `orch: merge ${id} (bench)`));
      await timed('changed lines', () => w.changedLines(id));
      await timed('merge in a checkout (before)', () => gitOk(checkout, ['merge', '--no-ff', '-q', '-m', 'old', w.taskBranch(id)]));
      await timed('removal (background)', () => w.cleanupTask(id));
    }
    const path = ['worktree (prefetched)', 'commit', 'merge', 'changed lines'].reduce((sum, name) => sum + percentile(times[name]!, 50), 0);
    console.log(`git steps per task (${tasks} tasks, 200-file repository), median: ${Object.entries(times).map(([name, samples]) => `${name} ${percentile(samples, 50).toFixed(1)} ms`).join(', ')}; on a task's path now ${path.toFixed(1)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  await gitSteps(Number(process.env.ORCH_BENCH_GIT_STEPS ?? 40));
  for (const [standIn, parallel] of STAND_INS.flatMap((kind) => (REPEAT > 0 ? PARALLEL : []).map((p) => [kind, p] as const))) {
    const ratios: number[] = [];
    const walls: number[] = [];
    const ownCpu: number[] = [];
    const childCpu: number[] = [];
    let verified = 0;
    let tasks = 0;
    for (let i = 0; i < REPEAT; i++) {
      const run = await oneRun(parallel, standIn);
      const idealMs = Math.ceil(run.tasks / parallel) * PACE_MS * STEPS;
      walls.push(run.wallMs);
      ownCpu.push(run.cpuMs / run.tasks);
      childCpu.push(run.childrenMs / run.tasks);
      ratios.push(run.wallMs / idealMs);
      verified += run.verified;
      tasks += run.tasks;
    }
    const idealMs = Math.ceil(TASKS / parallel) * PACE_MS * STEPS;
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `git overhead: ${TASKS} ${standIn} stand-in tasks (${PACE_MS * STEPS} ms each), parallel ${parallel}, ${REPEAT} runs: ${verified}/${tasks} verified, ` +
        `wall median ${s(percentile(walls, 50))} (min ${s(Math.min(...walls))}, max ${s(Math.max(...walls))}) vs ideal ${s(idealMs)}: ` +
        `${percentile(ratios, 50).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x); ` +
        `CPU per task: Orch ${percentile(ownCpu, 50).toFixed(0)} ms (${Math.min(...ownCpu).toFixed(0)}-${Math.max(...ownCpu).toFixed(0)}), ` +
        `git and the ${standIn} stand-in ${percentile(childCpu, 50).toFixed(0)} ms (${Math.min(...childCpu).toFixed(0)}-${Math.max(...childCpu).toFixed(0)})`,
    );
  }
}
