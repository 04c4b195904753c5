// Router figures: the decision time of one routing decision (goal: p99 under 1 ms), and a
// routing comparison on a simulated workload run end to end through the engine, the real claude
// CLI and a scripted model whose answers depend on the model and the task's difficulty.
//
// The workload is an explicit assumption, not a measurement of real models:
// - 24 tasks: 10 easy (one file, a short description), 8 medium (two files, a longer description,
//   one dependency) and 6 hard (three files, a long description, two dependencies, done by an
//   opus-tier role). The router sees only these features, never the difficulty label.
// - A model verifies on its first attempt with probability FIRST_PASS[family][difficulty], on a
//   rework with REWORK_PASS; a failing answer writes the files with the wrong content, so the
//   checks (`grep -q OK file`) catch it. Draws are a fixed hash of (task, model, attempt): every
//   strategy meets the same luck.
// - Each model turn reports TOKENS[difficulty]; the claude CLI prices them itself.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { turnsSinceLastInstruction } from '../src/cli/demo/demo-scenario';
import { buildSnapshot } from '../src/orchestrator/agents/build-snapshot';
import { defaultConfig, type OrchConfig } from '../src/orchestrator/config/orch-config';
import { gitOk } from '../src/orchestrator/engine/git';
import { startRun } from '../src/orchestrator/engine/start-run';
import { ModelCatalog } from '../src/orchestrator/router/model-catalog';
import { routeTask } from '../src/orchestrator/router/route-task';
import type { RoutedOutcome } from '../src/orchestrator/router/routing-history';
import { runAttempt } from '../src/orchestrator/runner/run-attempt';
import { workspacePaths } from '../src/orchestrator/workspace/workspace-paths';
import { costBreakdown, qualityStats } from '../src/protocol/cost-breakdown';
import type { NewEvent, OrchEvent } from '../src/protocol/events';
import { foldEvents } from '../src/protocol/fold';
import { historyFromRun } from '../src/orchestrator/router/history-from-run';
import type { Roadmap, Task } from '../src/protocol/domain';
import { textReply } from '../src/scripted-model/reply';
import { absolutePath, costing, modelFamily, writeTool, type Scenario } from '../src/scripted-model/scenarios';
import { startScriptedModel } from '../src/scripted-model/server';
import { formatMs, percentile } from './stats';

const ROOT = resolve(__dirname, '..');
const CLAUDE = join(ROOT, 'node_modules/.bin/claude');

type Difficulty = 'easy' | 'medium' | 'hard';
type Family = 'opus' | 'sonnet' | 'haiku';

const FIRST_PASS: Readonly<Record<Family, Readonly<Record<Difficulty, number>>>> = {
  opus: { easy: 0.99, medium: 0.96, hard: 0.92 },
  sonnet: { easy: 0.97, medium: 0.9, hard: 0.72 },
  haiku: { easy: 0.93, medium: 0.62, hard: 0.3 },
};
const REWORK_PASS: Readonly<Record<Family, Readonly<Record<Difficulty, number>>>> = {
  opus: { easy: 0.95, medium: 0.9, hard: 0.85 },
  sonnet: { easy: 0.9, medium: 0.8, hard: 0.6 },
  haiku: { easy: 0.8, medium: 0.5, hard: 0.25 },
};
const TOKENS: Readonly<Record<Difficulty, { inputTokens: number; outputTokens: number }>> = {
  easy: { inputTokens: 15_000, outputTokens: 600 },
  medium: { inputTokens: 30_000, outputTokens: 1_500 },
  hard: { inputTokens: 60_000, outputTokens: 3_000 },
};

interface WorkTask {
  readonly task: Task;
  readonly difficulty: Difficulty;
  readonly files: readonly string[];
}

const FILLER = 'Keep the public interface stable, handle errors with precise messages, and cover the edge cases the PRD lists.';

function workload(): WorkTask[] {
  const out: WorkTask[] = [];
  const add = (difficulty: Difficulty, agent: string, n: number, depends: string[]): void => {
    const id = `T${out.length + 1}`;
    const files = Array.from({ length: difficulty === 'easy' ? 1 : difficulty === 'medium' ? 2 : 3 }, (_, i) => `src/${id.toLowerCase()}-${i + 1}.txt`);
    const words = difficulty === 'easy' ? '' : ` ${FILLER}`.repeat(difficulty === 'medium' ? 3 : 8);
    out.push({
      difficulty,
      files,
      task: {
        id,
        prdId: 'PRD-W',
        title: `${difficulty} task ${n}`,
        description: `Write ${files.join(', ')}.${words}`,
        agent,
        phase: 'implementation',
        depends,
        verify: files.flatMap((f) => [{ kind: 'file' as const, path: f }, { kind: 'command' as const, command: `grep -q OK ${f}` }]),
        source: { file: 'prds/w.md', line: out.length + 1 },
      },
    });
  };
  const easyRoles = ['backend-engineer', 'devops-engineer', 'qa-engineer', 'frontend-engineer', 'backend-engineer'];
  for (let i = 0; i < 10; i++) add('easy', easyRoles[i % easyRoles.length]!, i + 1, []);
  for (let i = 0; i < 8; i++) add('medium', i % 2 === 0 ? 'backend-engineer' : 'frontend-engineer', i + 1, [`T${(i % 10) + 1}`]);
  for (let i = 0; i < 6; i++) add('hard', i % 3 === 2 ? 'security-architect' : 'staff-engineer', i + 1, [`T${11 + i}`, `T${(i % 10) + 1}`]);
  return out;
}

function draw(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 0x1_0000_0000;
}

function workloadScenario(tasks: readonly WorkTask[]): Scenario {
  const byId = new Map(tasks.map((t) => [t.task.id, t]));
  return (request, context) => {
    const id = /## Task (\S+):/.exec(request.userText)?.[1] ?? '';
    const work = byId.get(id);
    if (work === undefined) return textReply('Nothing to do.');
    const family = modelFamily(request.model) as Family;
    const attempt = 1 + (request.userText.match(/was not accepted/g)?.length ?? 0);
    const table = attempt === 1 ? FIRST_PASS : REWORK_PASS;
    const passes = draw(`${id}|${family}|${attempt}`) < (table[family]?.[work.difficulty] ?? 0);
    const turn = turnsSinceLastInstruction(request);
    const file = work.files[turn];
    const reply: Scenario = file === undefined ? () => textReply(`Wrote ${work.files.join(', ')}.`) : writeTool(absolutePath(file, request), passes ? 'OK\n' : 'TODO\n');
    return costing(TOKENS[work.difficulty], reply)(request, context);
  };
}

type Strategy = 'always-strongest' | 'always-cheapest' | 'static role map' | 'Orch router' | 'Orch router, 80%' | 'oracle';

function plan(tasks: readonly WorkTask[], strategy: Strategy): Roadmap {
  const pin = strategy === 'always-strongest' ? 'opus' : strategy === 'always-cheapest' ? 'haiku' : undefined;
  // The oracle knows each task's hidden difficulty: an upper bound for any router, not a strategy.
  const oracle: Readonly<Record<Difficulty, string>> = { easy: 'haiku', medium: 'sonnet', hard: 'opus' };
  const list = tasks.map((t) => (strategy === 'oracle' ? { ...t.task, model: oracle[t.difficulty] } : pin === undefined ? t.task : { ...t.task, model: pin }));
  const src = { file: 'roadmap.md', line: 1 };
  const prd = { id: 'PRD-W', milestoneId: '1.1', title: 'Workload', body: '', tasks: list, source: { file: 'prds/w.md', line: 1 } };
  return { title: 'bench', file: 'roadmap.md', phases: [{ id: '1', title: 'P', source: src, milestones: [{ id: '1.1', phaseId: '1', title: 'M', features: [], successMetrics: [], prds: [prd], source: src }] }] };
}

interface Result {
  readonly strategy: Strategy;
  readonly costUsd: number;
  readonly verified: number;
  readonly firstPass: number;
  readonly attempts: number;
  readonly models: string;
  readonly wallMs: number;
}

async function runStrategy(tasks: readonly WorkTask[], strategy: Strategy): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-router-bench-'));
  const model = await startScriptedModel({ scenario: workloadScenario(tasks) });
  try {
    const workspace = join(dir, 'ws');
    const home = join(dir, 'home');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(home);
    writeFileSync(join(workspace, 'README.md'), 'bench\n');
    await gitOk(workspace, ['init', '-q', '-b', 'main']);
    await gitOk(workspace, ['add', '-A']);
    await gitOk(workspace, ['commit', '-q', '-m', 'bench']);
    const config: OrchConfig = { ...defaultConfig, parallel: 4, attemptTimeoutSec: 120, inactivityTimeoutSec: 60, router: { ...defaultConfig.router, enabled: strategy.startsWith('Orch router'), targetFirstPassRate: strategy === 'Orch router, 80%' ? 0.8 : 0.85 } };
    const { snapshot: registry } = await buildSnapshot({ workspace, builtinDir: join(ROOT, 'agents'), homeDir: home, phases: config.phases }, undefined);
    const env = { PATH: process.env.PATH, HOME: home, ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'bench', DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', CLAUDE_CODE_MAX_RETRIES: '0' };
    const started = performance.now();
    const outcome = await startRun({ paths: workspacePaths(workspace), config, registry, runAttempt, claudePath: CLAUDE, env, signal: new AbortController().signal }, { roadmap: plan(tasks, strategy), milestones: [] });
    const wallMs = performance.now() - started;
    const s = outcome.snapshot;
    const tasksDone = Object.values(s.tasks);
    const byModel = costBreakdown(s).byModel;
    const quality = qualityStats(s).byModel;
    return {
      strategy,
      costUsd: s.costUsd,
      verified: tasksDone.filter((t) => t.state === 'verified').length,
      firstPass: Object.values(quality).reduce((n, q) => n + q.firstPass, 0),
      attempts: Object.keys(s.attempts).length,
      models: Object.entries(byModel).map(([m, c]) => `${m} ${c.attempts}`).join(', '),
      wallMs,
    };
  } finally {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function decisionTime(): void {
  const catalog = ModelCatalog.build();
  const tasks = workload();
  const outcomes: RoutedOutcome[] = Array.from({ length: 500 }, (_, i) => ({ model: ['haiku', 'sonnet', 'opus'][i % 3]!, complexity: (i % 100) / 100, firstPass: i % 4 !== 0 }));
  const history = { outcomes, costScale: 0.8, costSamples: 40 };
  const options = { enabled: true, targetFirstPassRate: 0.85 };
  const samples: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t = tasks[i % tasks.length]!;
    const started = performance.now();
    routeTask({ task: t.task, phase: 'implementation', agentName: t.task.agent!, agentProvider: 'claude', agentModel: 'sonnet' }, catalog, history, options);
    if (i >= 2_000) samples.push(performance.now() - started);
  }
  console.log(`routing decision (${samples.length} decisions, 500 outcomes of history): p50 ${formatMs(percentile(samples, 50))}, p99 ${formatMs(percentile(samples, 99))}, max ${formatMs(Math.max(...samples))}`);
  historyRebuild(catalog);
}

/** The engine rebuilds the history from the run's state once per new event: its cost on a 500-task run. */
function historyRebuild(catalog: ModelCatalog): void {
  const base = workload();
  const tasks = Array.from({ length: 500 }, (_, i) => ({ ...base[i % base.length]!.task, id: `T${i + 1}`, depends: [] }));
  const events: NewEvent[] = [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }, { type: 'plan.loaded', roadmap: plan(tasks.map((task) => ({ task, difficulty: 'easy', files: [] })), 'Orch router') }];
  for (const [i, t] of tasks.entries()) {
    const taskId = `PRD-W/${t.id}`;
    const model = ['haiku', 'sonnet', 'opus'][i % 3]!;
    events.push(
      { type: 'model.routed', taskId, model, source: 'router', complexity: (i % 100) / 100, reasons: [], alternatives: [] },
      { type: 'attempt.started', taskId, attemptId: `${taskId}#1`, agent: 'backend-engineer', model, prompt: 'p' },
      { type: 'attempt.finished', attemptId: `${taskId}#1`, outcome: 'succeeded', costUsd: 0.1, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 },
      { type: 'task.verified', taskId, checks: [], basis: 'b' },
    );
  }
  const state = foldEvents(events.map((e, i) => ({ ...e, seq: i + 1, at: new Date(0).toISOString(), runId: 'bench' }) as OrchEvent))!;
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    historyFromRun(state, catalog);
    samples.push(performance.now() - started);
  }
  console.log(`routing history rebuilt from a 500-task run state (once per new event): p50 ${formatMs(percentile(samples, 50))}, p99 ${formatMs(percentile(samples, 99))}`);
}

export async function bench(): Promise<void> {
  decisionTime();
  if (process.env.ORCH_BENCH_ROUTER_COMPARISON === '0') return;
  const tasks = workload();
  const results: Result[] = [];
  for (const strategy of ['always-strongest', 'always-cheapest', 'static role map', 'Orch router', 'Orch router, 80%', 'oracle'] as const) results.push(await runStrategy(tasks, strategy));
  const strongest = results[0]!;
  console.log(`routing comparison: ${tasks.length} tasks (10 easy, 8 medium, 6 hard), max 3 attempts, real claude CLI, scripted model (assumptions in bench/router.bench.ts)`);
  for (const r of results) {
    const perVerified = r.verified === 0 ? Number.NaN : r.costUsd / r.verified;
    const saving = 1 - perVerified / (strongest.costUsd / strongest.verified);
    console.log(
      `  ${r.strategy.padEnd(17)} verified ${((100 * r.verified) / tasks.length).toFixed(1)}%  first pass ${r.firstPass}/${tasks.length}  $${perVerified.toFixed(4)} per verified task (${(saving * 100).toFixed(0)}% vs strongest)  ${r.attempts} attempts [${r.models}]  ${(r.wallMs / 1000).toFixed(1)} s`,
    );
  }
}
