// Workflow engine figures: the scheduler's own cost per task, and a 200-task run through the
// whole engine (worktrees, commits, verification, merges) with a stand-in agent that speaks
// the stream-json protocol at a realistic pace, against the ideal wall time.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Prd, Roadmap, Task } from '../src/protocol/domain';
import { foldEvents } from '../src/protocol/fold';
import { defaultConfig } from '../src/orchestrator/config/orch-config';
import { schedule } from '../src/orchestrator/engine/scheduler';
import { findMarkedProcesses } from '../src/orchestrator/runner/process-group';
import { runAttempt } from '../src/orchestrator/runner/run-attempt';
import { finish, slow } from '../src/scripted-model/scenarios';
import { startScriptedModel } from '../src/scripted-model/server';
import { formatMs, percentile } from './stats';
import { runStandIns } from './support/stand-in-run';

const ROOT = resolve(__dirname, '..');
const PACE_MS = 100;
const STEPS = 5;

function roadmap(prds: number, tasksPerPrd: number): Roadmap {
  const list: Prd[] = [];
  for (let p = 0; p < prds; p++) {
    const id = `PRD-${p + 1}`;
    const tasks: Task[] = Array.from({ length: tasksPerPrd }, (_, i) => ({
      id: `T${i + 1}`,
      prdId: id,
      title: `Task ${i + 1}`,
      description: `Write out/${id}-T${i + 1}.txt.`,
      agent: 'backend-engineer',
      phase: 'implementation',
      // Every fifth task waits for the one before it: a little DAG inside each PRD.
      depends: i % 5 === 4 ? [`T${i}`] : [],
      verify: [{ kind: 'file', path: `out/${id}-T${i + 1}.txt` }],
      source: { file: `${id}.md`, line: 1 },
    }));
    list.push({ id, milestoneId: '1.1', title: id, body: '', tasks, source: { file: `${id}.md`, line: 1 } });
  }
  return {
    title: 'bench',
    file: 'roadmap.md',
    phases: [{ id: '1', title: 'P', source: { file: 'roadmap.md', line: 1 }, milestones: [{ id: '1.1', phaseId: '1', title: 'M', features: [], successMetrics: [], prds: list, source: { file: 'roadmap.md', line: 1 } }] }],
  };
}

function schedulerOverhead(): void {
  const plan = roadmap(50, 10);
  const state = foldEvents([
    { type: 'run.started', roadmapFile: 'r', milestones: [], seq: 1, at: 'x', runId: 'b' },
    { type: 'plan.loaded', roadmap: plan, seq: 2, at: 'x', runId: 'b' },
  ])!;
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = process.hrtime.bigint();
    schedule(state, defaultConfig.phases);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const tasks = state.taskOrder.length;
  console.log(`scheduler: one decision over ${tasks} tasks: median ${formatMs(percentile(samples, 50))}, p95 ${formatMs(percentile(samples, 95))} (${formatMs(percentile(samples, 50) / tasks)} per task)`);
}

async function standInRun(parallel: number): Promise<void> {
  const plan = roadmap(Number(process.env.ORCH_BENCH_PRDS ?? 20), 10);
  const { snapshot, wallMs, cpuMicros } = await runStandIns({ prefix: 'orch-bench-engine-', roadmap: plan, parallel, paceMs: PACE_MS, steps: STEPS });
  const tasks = snapshot.taskOrder.length;
  const verified = Object.values(snapshot.tasks).filter((t) => t.state === 'verified').length;
  const agentMs = PACE_MS * STEPS;
  // Each PRD's chains are at most 2 long, so with enough slots the ideal is tasks/parallel waves.
  const idealMs = Math.ceil(tasks / parallel) * agentMs;
  console.log(
    `engine: ${tasks} tasks with stand-in agents (${agentMs} ms each), parallel ${parallel}: ${verified} verified, ` +
      `wall ${(wallMs / 1000).toFixed(1)} s vs ideal ${(idealMs / 1000).toFixed(1)} s (${(wallMs / idealMs).toFixed(1)}x), ` +
      `Orch CPU ${(cpuMicros / 1000).toFixed(0)} ms (${(cpuMicros / 1000 / tasks).toFixed(1)} ms per task)`,
  );
}

/** Total resident memory of the processes carrying a marker, from /proc. */
function markedRssBytes(marker: string): number {
  let total = 0;
  for (const pid of findMarkedProcesses(marker)) {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      total += Number(rss ?? 0) * 1024;
    } catch {
      // exited
    }
  }
  return total;
}

/**
 * How many real `claude` processes run side by side here: N attempts at once against the
 * scripted model, each answering after 4 s, so all N are alive together; peak total RSS and
 * whether every one finished.
 */
async function realClaudeProcesses(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-claude-'));
  const model = await startScriptedModel({ scenario: slow(4000, finish('done')) });
  try {
    const marker = `ORCH_BENCH_RUN=${process.pid}-${n}`;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, markedRssBytes(marker))), 200);
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const cwd = join(dir, `a${i}`);
        mkdirSync(cwd, { recursive: true });
        return runAttempt(
          {
            attemptId: `bench#${i}`,
            taskId: 'bench',
            systemPrompt: 'You are a benchmark.',
            prompt: 'Say done.',
            model: 'sonnet',
            allowedTools: ['Read'],
            permissionMode: 'acceptEdits',
            cwd,
            env: { PATH: process.env.PATH, HOME: dir, ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'bench', DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', ORCH_BENCH_RUN: marker.split('=')[1] },
            claudePath: join(ROOT, 'node_modules/.bin/claude'),
            artifactsDir: join(dir, 'artifacts'),
            timeoutSec: 120,
            inactivityTimeoutSec: 60,
            orchTools: false,
          },
          () => undefined,
        );
      }),
    );
    clearInterval(sampler);
    const ok = outcomes.filter((o) => o.outcome === 'succeeded').length;
    console.log(`real claude x${n} at once: ${ok}/${n} succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s (model answers after 4 s), peak total RSS ${(peak / 2 ** 20).toFixed(0)} MB (${(peak / n / 2 ** 20).toFixed(0)} MB each)`);
  } finally {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  schedulerOverhead();
  await standInRun(8);
  for (const n of [4, 8, 16]) await realClaudeProcesses(n);
  const measuredRss = 288 * 1024 * 1024;
  console.log(
    `real claude processes this machine sustains: about ${Math.floor((freemem() * 0.8) / measuredRss)} ` +
      `(80% of ${(freemem() / 2 ** 30).toFixed(1)} GiB free memory / 288 MB peak RSS measured by the runner bench); the engine caps parallelism at ${Math.floor((freemem() * 0.8) / (350 * 1024 * 1024))} with its 350 MB margin`,
  );
}
