// What Orch adds to the claude CLI, each figure as median and spread over repetitions:
// - the same 6 one-file tasks as 6 bare `claude -p` runs and as `orch run` (real CLI, real git
//   worktrees, the scripted model in a process of its own), one at a time and 6 at once;
// - six tasks of about 3 seconds (each model answer waits 1 s) at --parallel 6 against six bare
//   runs at once, with the fixed part of Orch's time (its start and its end) and the run's CPU
//   split into the CLIs, Orch's own process, and git;
// - dispatch to the CLI's `system/init`, for Orch and for a bare CLI;
// - where Orch's time per task goes at --parallel 1 (start-up, verification and merge, the next
//   dispatch, the end of the run), from its event log;
// - CPU per task (user + system of every process, which load on the machine disturbs less than
//   wall time): bare CLI, orch run (Orch, the CLIs and git), and Orch's own process.
// Times dist/cli.js, as users run it. bench/overhead-git.bench.ts (the 200 stand-in tasks) runs
// under the same name: `npm run bench overhead`.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from './stats';
import { bareBatch, CLI, orchBatch, startModelProcess, timedClaude, type OrchRun } from './support/overhead-runs';

const TASKS = 6;
const REPS = Number(process.env.OVERHEAD_BENCH_REPS ?? 3);
const SLOW_ANSWER_MS = 1_000;

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

function spread(values: readonly number[], unit: (v: number) => string = ms): string {
  return `median ${unit(percentile(values, 50)).padStart(9)}  min ${unit(Math.min(...values)).padStart(9)}  max ${unit(Math.max(...values)).padStart(9)}  (n=${values.length})`;
}

function line(label: string, values: readonly number[], unit?: (v: number) => string): void {
  console.log(`${label.padEnd(58)} ${spread(values, unit)}`);
}

const ratio = (v: number) => `${v.toFixed(2)}x`;
const perTask = (runs: readonly OrchRun[], pick: (r: OrchRun) => number) => runs.map((r) => pick(r) / TASKS);

// Six CLIs starting at once keep both cores busy, so in goal 2 every extra ms of CPU is wall time
// for someone: this splits orch run's CPU into its CLIs (under a timing wrapper), Orch's own
// process, and the rest (git and Orch's git helpers), next to bare CLIs in the same repetition.
async function cpuSplit(slowUrl: string, root: string): Promise<void> {
  const timed = timedClaude(root);
  const split = { bare: [] as number[], clis: [] as number[], own: [] as number[], rest: [] as number[] };
  for (let r = 0; r < REPS; r++) {
    const bare = await bareBatch(slowUrl, root, TASKS, true);
    timed.take();
    const run = await orchBatch(slowUrl, root, TASKS, TASKS, CLI, timed.path);
    const clis = timed.take().reduce((a, b) => a + b, 0);
    split.bare.push(bare.cpuMs / TASKS);
    split.clis.push(clis / TASKS);
    split.own.push(run.ownCpuMs / TASKS);
    split.rest.push((run.cpuMs - run.ownCpuMs - clis) / TASKS);
  }
  console.log(`CPU per task in the runs of goal 2, split (claude under a timing wrapper, ${REPS} more pairs)`);
  line('bare claude -p', split.bare);
  line("Orch's claude CLIs (Orch's flags, MCP tools, prompt)", split.clis);
  line("Orch's own process", split.own);
  line("git and Orch's git helpers (the rest)", split.rest);
}

export async function bench(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (the bench times orch as users run it)`);
  const root = mkdtempSync(join(tmpdir(), 'orch-overhead-bench-'));
  const model = await startModelProcess(root, SLOW_ANSWER_MS);
  mkdirSync(join(root, 'home'));
  try {
    await bareBatch(model.url, root, TASKS, false); // warm the page cache: the binary is 245 MB
    await orchBatch(model.url, root, TASKS, TASKS); // and Orch's first start in this HOME
    const bare = { seq: [] as number[], par: [] as number[], slow: [] as number[], init: [] as number[], work: [] as number[], cpu: [] as number[] };
    const seq: OrchRun[] = [];
    const par: OrchRun[] = [];
    const slow: OrchRun[] = [];
    for (let r = 0; r < REPS; r++) {
      // Interleaved, so a slow spell of the machine hits both sides.
      const bs = await bareBatch(model.url, root, TASKS, false);
      seq.push(await orchBatch(model.url, root, TASKS, 1));
      const bp = await bareBatch(model.url, root, TASKS, true);
      par.push(await orchBatch(model.url, root, TASKS, TASKS));
      const bw = await bareBatch(model.slowUrl, root, TASKS, true);
      slow.push(await orchBatch(model.slowUrl, root, TASKS, TASKS));
      bare.seq.push(bs.wallMs);
      bare.par.push(bp.wallMs);
      bare.slow.push(bw.wallMs);
      bare.init.push(...bs.runs.map((x) => x.initMs));
      bare.work.push(...bs.runs.map((x) => x.workMs));
      bare.cpu.push(bs.cpuMs / TASKS, bp.cpuMs / TASKS);
    }
    // In the order of bare.cpu: each repetition's one at a time, then its at once.
    const orchCpu = seq.flatMap((s, i) => [s, par[i]!]);
    console.log(`\n${TASKS} one-file tasks (one Write turn + one text turn), real claude CLI, x ${REPS} repetitions; wall times`);
    line(`bare claude -p, one at a time (${TASKS} tasks)`, bare.seq);
    line(`orch run --parallel 1 (${TASKS} tasks)`, seq.map((r) => r.wallMs));
    line('Orch overhead per task, one at a time (goal < 100 ms)', seq.map((o, i) => (o.wallMs - (bare.seq[i] ?? 0)) / TASKS));
    line(`bare claude -p, ${TASKS} at once`, bare.par);
    line(`orch run --parallel ${TASKS}`, par.map((r) => r.wallMs));
    line(`Orch overhead per task, ${TASKS} at once`, par.map((o, i) => (o.wallMs - (bare.par[i] ?? 0)) / TASKS));
    line('parallel ratio, bare (one at a time / at once)', bare.seq.map((s, i) => s / (bare.par[i] ?? 0)), ratio);
    line('parallel ratio, orch (--parallel 1 / --parallel 6)', seq.map((s, i) => s.wallMs / (par[i]?.wallMs ?? 0)), ratio);
    console.log(`\n${TASKS} tasks of about 3 s (each model answer waits ${SLOW_ANSWER_MS} ms), ${TASKS} at once`);
    line(`bare claude -p, ${TASKS} at once`, bare.slow);
    line(`orch run --parallel ${TASKS}`, slow.map((r) => r.wallMs));
    line('orch / bare (goal <= 1.05x)', slow.map((o, i) => o.wallMs / (bare.slow[i] ?? 0)), ratio);
    line('  of it, orch run spawned -> first attempt.started', slow.map((r) => r.startupMs));
    line('  of it, last task.verified -> process end', slow.map((r) => r.shutdownMs));
    line('  those two as a share of bare\'s wall time', slow.map((r, i) => (100 * (r.startupMs + r.shutdownMs)) / (bare.slow[i] ?? 0)), (v) => `${v.toFixed(1)} %`);
    await cpuSplit(model.slowUrl, root);
    console.log('\nWhere a task\'s time goes, one at a time (per task unless said)');
    line('dispatch -> init, bare (spawn -> system/init)', bare.init);
    line('dispatch -> init, Orch (attempt.started -> init)', seq.flatMap((r) => r.initMs));
    line('init -> end, bare (system/init -> process closed)', bare.work);
    line('init -> end, Orch (init -> attempt.finished)', seq.flatMap((r) => r.workMs));
    line('Orch: attempt.finished -> task.verified (commit, checks, merge)', seq.flatMap((r) => r.verifyMs));
    line('Orch: task.verified -> next attempt.started', seq.flatMap((r) => r.dispatchMs));
    line('Orch: orch run spawned -> first attempt.started (per run)', [...seq, ...par].map((r) => r.startupMs));
    line('Orch: last task.verified -> process end (per run)', seq.map((r) => r.shutdownMs));
    const warm = (runs: readonly OrchRun[]) => runs.map((r) => `${r.warmAttempts}/${r.attempts}`).join(' ');
    console.log(`attempts started on a warm CLI (per run): --parallel 1: ${warm(seq)}; --parallel ${TASKS}: ${warm(par)}; slow: ${warm(slow)} (bare runs are always cold)`);
    console.log('\nCPU per task (user + system), one at a time and at once');
    line('bare claude -p', bare.cpu);
    line('orch run: Orch, the claude CLIs and git', perTask(orchCpu, (r) => r.cpuMs));
    line("orch run: Orch's own process (module loading included)", perTask(orchCpu, (r) => r.ownCpuMs));
    line("Orch's CPU per task: orch run - bare", orchCpu.map((r, i) => r.cpuMs / TASKS - (bare.cpu[i] ?? 0)));
    console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`);
  } finally {
    model.child.kill();
    rmSync(root, { recursive: true, force: true });
  }
}
