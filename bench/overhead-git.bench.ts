// Git's share of a run's overhead: 200 quick stand-in tasks through the whole engine (worktree
// add, commit, verification, merge, cleanup) at parallel 8 and 32, against the ideal wall time
// (every wave of agents back to back, git free). Medians and spread over repetitions.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Prd, Roadmap, Task } from '../src/protocol/domain';
import { buildSnapshot } from '../src/orchestrator/agents/build-snapshot';
import { defaultConfig } from '../src/orchestrator/config/orch-config';
import { gitOk } from '../src/orchestrator/engine/git';
import { startRun } from '../src/orchestrator/engine/start-run';
import { runAttempt } from '../src/orchestrator/runner/run-attempt';
import { workspacePaths } from '../src/orchestrator/workspace/workspace-paths';
import { percentile } from './stats';

const ROOT = resolve(__dirname, '..');
const STAND_IN = join(ROOT, 'bench/support/stand-in-agent.mjs');
const PACE_MS = 100;
const STEPS = 5;
const TASKS = Number(process.env.ORCH_BENCH_GIT_TASKS ?? 200);
const REPEAT = Number(process.env.ORCH_BENCH_GIT_REPEAT ?? 3);
const PARALLEL = (process.env.ORCH_BENCH_GIT_PARALLEL ?? '8,32').split(',').map(Number);

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

async function oneRun(parallel: number): Promise<{ wallMs: number; verified: number; tasks: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-git-'));
  try {
    const ws = join(dir, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'README.md'), 'bench\n');
    await gitOk(ws, ['init', '-q', '-b', 'main']);
    await gitOk(ws, ['add', '-A']);
    await gitOk(ws, ['commit', '-q', '-m', 'bench']);
    const { snapshot: registry } = await buildSnapshot({ workspace: ws, builtinDir: join(ROOT, 'agents'), homeDir: dir, phases: defaultConfig.phases }, undefined);
    const started = Date.now();
    const outcome = await startRun(
      {
        paths: workspacePaths(ws),
        config: { ...defaultConfig, parallel },
        registry,
        runAttempt: (request, emit) => runAttempt({ ...request, orchTools: false }, emit),
        claudePath: STAND_IN,
        env: { ...process.env, STAND_IN_PACE_MS: String(PACE_MS), STAND_IN_STEPS: String(STEPS) },
        signal: new AbortController().signal,
      },
      { roadmap: roadmap(TASKS), milestones: [], parallel },
    );
    const wallMs = Date.now() - started;
    const verified = Object.values(outcome.snapshot.tasks).filter((t) => t.state === 'verified').length;
    return { wallMs, verified, tasks: outcome.snapshot.taskOrder.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  for (const parallel of PARALLEL) {
    const ratios: number[] = [];
    const walls: number[] = [];
    let verified = 0;
    let tasks = 0;
    for (let i = 0; i < REPEAT; i++) {
      const run = await oneRun(parallel);
      const idealMs = Math.ceil(run.tasks / parallel) * PACE_MS * STEPS;
      walls.push(run.wallMs);
      ratios.push(run.wallMs / idealMs);
      verified += run.verified;
      tasks += run.tasks;
    }
    const idealMs = Math.ceil(TASKS / parallel) * PACE_MS * STEPS;
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `git overhead: ${TASKS} stand-in tasks (${PACE_MS * STEPS} ms each), parallel ${parallel}, ${REPEAT} runs: ${verified}/${tasks} verified, ` +
        `wall median ${s(percentile(walls, 50))} (min ${s(Math.min(...walls))}, max ${s(Math.max(...walls))}) vs ideal ${s(idealMs)}: ` +
        `${percentile(ratios, 50).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x)`,
    );
  }
}
