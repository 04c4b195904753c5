// Router figures: the decision time of one routing decision (goal: p99 under 1 ms), and a
// routing comparison run end to end through the engine, the real claude CLI and a scripted
// model whose answers depend on the model and the task's hidden difficulty.
//
// The workloads are explicit assumptions, not measurements of real models (bench/support/
// router-workloads.ts says what each assumes): a realistic roadmap, mostly routine work whose
// plan features follow its difficulty loosely (one task in five looks like another
// difficulty), and the first, hard-heavy workload, printed too because the saving depends on it.
// - A model verifies on its first attempt with probability firstPass[family][difficulty], on a
//   rework with reworkPass; a failing answer writes the files with the wrong content, so the
//   checks (`grep -q OK file`) catch it. Draws are a fixed hash of (repetition, task, model,
//   attempt): every strategy of one repetition meets the same luck.
// - Each model turn reports tokens[difficulty]; the claude CLI prices them itself.
// - The oracle knows each hidden difficulty: the reference for what routing could reach.
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
import { costBreakdown } from '../src/protocol/cost-breakdown';
import type { NewEvent } from '../src/protocol/events';
import { foldEvents } from '../src/protocol/fold';
import { historyFromRun } from '../src/orchestrator/router/history-from-run';
import { textReply } from '../src/scripted-model/reply';
import { absolutePath, costing, modelFamily, writeTool, type Scenario } from '../src/scripted-model/scenarios';
import { startScriptedModel } from '../src/scripted-model/server';
import { formatMs, percentile } from './stats';
import { allTasks, draw, legacyWorkload, oracleModel, realisticWorkload, roadmapOf, type Family, type Workload } from './support/router-workloads';

const ROOT = resolve(__dirname, '..');
const CLAUDE = join(ROOT, 'node_modules/.bin/claude');
const MAX_ATTEMPTS = defaultConfig.maxAttempts;

function workloadScenario(w: Workload, rep: number): Scenario {
  const byId = new Map(allTasks(w).map((t) => [t.task.id, t]));
  return (request, context) => {
    const id = /## Task (\S+):/.exec(request.userText)?.[1] ?? '';
    const work = byId.get(id);
    if (work === undefined) return textReply('Nothing to do.');
    const family = modelFamily(request.model) as Family;
    const attempt = 1 + (request.userText.match(/was not accepted/g)?.length ?? 0);
    const table = attempt === 1 ? w.firstPass : w.reworkPass;
    const passes = draw(`${rep}|${id}|${family}|${attempt}`) < (table[family]?.[work.difficulty] ?? 0);
    const turn = turnsSinceLastInstruction(request);
    const file = work.files[turn];
    const reply: Scenario = file === undefined ? () => textReply(`Wrote ${work.files.join(', ')}.`) : writeTool(absolutePath(file, request), passes ? 'OK\n' : 'TODO\n');
    return costing(w.tokens[work.difficulty], reply)(request, context);
  };
}

const STRATEGIES = ['always-strongest', 'always-cheapest', 'static role map', 'Orch router', 'oracle'] as const;
type Strategy = (typeof STRATEGIES)[number];

function pinFor(w: Workload, strategy: Strategy): (t: ReturnType<typeof allTasks>[number]) => string | undefined {
  if (strategy === 'always-strongest') return () => 'opus';
  if (strategy === 'always-cheapest') return () => 'haiku';
  if (strategy === 'oracle') return (t) => oracleModel(w, t.difficulty, MAX_ATTEMPTS);
  return () => undefined;
}

interface Result {
  readonly costUsd: number;
  readonly verified: number;
  readonly attempts: number;
  readonly models: Readonly<Record<string, number>>;
  /** Hidden difficulty of each task left unverified (blocked by its checks or behind one that was). */
  readonly unverified: readonly string[];
  readonly wallMs: number;
}

async function runStrategy(w: Workload, strategy: Strategy, rep: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-router-bench-'));
  const model = await startScriptedModel({ scenario: workloadScenario(w, rep) });
  try {
    const workspace = join(dir, 'ws');
    const home = join(dir, 'home');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(home);
    writeFileSync(join(workspace, 'README.md'), 'bench\n');
    await gitOk(workspace, ['init', '-q', '-b', 'main']);
    await gitOk(workspace, ['add', '-A']);
    await gitOk(workspace, ['commit', '-q', '-m', 'bench']);
    // The static role map is the agents' own models: the roadmap's role-to-model table.
    const config: OrchConfig = { ...defaultConfig, parallel: 4, attemptTimeoutSec: 120, inactivityTimeoutSec: 60, router: { ...defaultConfig.router, enabled: strategy === 'Orch router' } };
    const { snapshot: registry } = await buildSnapshot({ workspace, builtinDir: join(ROOT, 'agents'), homeDir: home, phases: config.phases }, undefined);
    const env = { PATH: process.env.PATH, HOME: home, ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'bench', DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', CLAUDE_CODE_MAX_RETRIES: '0' };
    const started = performance.now();
    const outcome = await startRun({ paths: workspacePaths(workspace), config, registry, runAttempt, claudePath: CLAUDE, env, signal: new AbortController().signal }, { roadmap: roadmapOf(w, pinFor(w, strategy)), milestones: [] });
    const s = outcome.snapshot;
    return {
      costUsd: s.costUsd,
      verified: Object.values(s.tasks).filter((t) => t.state === 'verified').length,
      attempts: Object.keys(s.attempts).length,
      models: Object.fromEntries(Object.entries(costBreakdown(s).byModel).map(([m, c]) => [m, c.attempts])),
      unverified: allTasks(w)
        .filter((t) => s.tasks[`${t.task.prdId}/${t.task.id}`]?.state !== 'verified')
        .map((t) => `${t.difficulty}${(s.tasks[`${t.task.prdId}/${t.task.id}`]?.attempts.length ?? 0) === 0 ? ' (never ran)' : ''}`),
      wallMs: performance.now() - started,
    };
  } finally {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function spread(xs: readonly number[], f: (x: number) => string): string {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.length === 1 ? f(mean) : `${f(mean)} [${f(Math.min(...xs))}..${f(Math.max(...xs))}]`;
}

async function compare(w: Workload, reps: number, from: number): Promise<void> {
  const n = allTasks(w).length;
  const runs = new Map<Strategy, Result[]>(STRATEGIES.map((s) => [s, []]));
  for (let rep = from; rep < from + reps; rep++) for (const strategy of STRATEGIES) runs.get(strategy)!.push(await runStrategy(w, strategy, rep));
  console.log(`routing comparison, ${w.name}: ${w.summary}; max ${MAX_ATTEMPTS} attempts, real claude CLI, scripted model; repetitions ${from}..${from + reps - 1} (each its own luck): mean [min..max]`);
  const strongest = runs.get('always-strongest')!;
  for (const strategy of STRATEGIES) {
    const rs = runs.get(strategy)!;
    const rate = rs.map((r) => (100 * r.verified) / n);
    const perVerified = rs.map((r) => (r.verified === 0 ? Number.NaN : r.costUsd / r.verified));
    // Per verified task: a strategy that leaves work unverified does not save by it.
    const vs = rs.map((r, i) => 100 * (1 - r.costUsd / r.verified / (strongest[i]!.costUsd / strongest[i]!.verified)));
    const models: Record<string, number> = {};
    for (const r of rs) for (const [m, k] of Object.entries(r.models)) models[m] = (models[m] ?? 0) + k;
    const missed: Record<string, number> = {};
    for (const r of rs) for (const d of r.unverified) missed[d] = (missed[d] ?? 0) + 1;
    console.log(
      `  ${strategy.padEnd(17)} verified ${spread(rate, (x) => `${x.toFixed(1)}%`)}  $${spread(perVerified, (x) => x.toFixed(4))} per verified task  total $${spread(rs.map((r) => r.costUsd), (x) => x.toFixed(3))}  ${spread(vs, (x) => `${x.toFixed(0)}%`)} vs strongest  attempts [${Object.entries(models).map(([m, k]) => `${m} ${k}`).join(', ')}]  unverified [${Object.entries(missed).map(([d, k]) => `${d} ${k}`).join(', ')}]  ${spread(rs.map((r) => r.wallMs / 1000), (x) => x.toFixed(0))} s`,
    );
  }
}

function decisionTime(): void {
  const catalog = ModelCatalog.build();
  const tasks = allTasks(realisticWorkload());
  const outcomes: RoutedOutcome[] = Array.from({ length: 500 }, (_, i) => ({ model: ['haiku', 'sonnet', 'opus'][i % 3]!, complexity: (i % 100) / 100, firstPass: i % 4 !== 0 }));
  const history = { outcomes, costScale: 0.8, costSamples: 40 };
  const options = { enabled: true, targetFirstPassRate: 0.85 };
  const samples: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t = tasks[i % tasks.length]!;
    const started = performance.now();
    routeTask({ task: t.task, phase: t.task.phase!, agentName: t.task.agent!, agentProvider: 'claude', agentModel: 'sonnet' }, catalog, history, options);
    if (i >= 2_000) samples.push(performance.now() - started);
  }
  console.log(`routing decision (${samples.length} decisions, 500 outcomes of history): p50 ${formatMs(percentile(samples, 50))}, p99 ${formatMs(percentile(samples, 99))}, max ${formatMs(Math.max(...samples))}`);
  historyRebuild(catalog);
}

/** The engine rebuilds the history from the run's state once per new event: its cost on a 500-task run. */
function historyRebuild(catalog: ModelCatalog): void {
  const base = allTasks(realisticWorkload());
  const tasks = Array.from({ length: 500 }, (_, i) => ({ ...base[i % base.length]!, task: { ...base[i % base.length]!.task, id: `T${i + 1}`, prdId: 'PRD-W', depends: [] } }));
  const roadmap = roadmapOf({ ...realisticWorkload(), prds: [tasks] }, () => undefined);
  const events: NewEvent[] = [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }, { type: 'plan.loaded', roadmap }];
  for (const [i, t] of tasks.entries()) {
    const taskId = `PRD-W/${t.task.id}`;
    const model = ['haiku', 'sonnet', 'opus'][i % 3]!;
    events.push(
      { type: 'model.routed', taskId, model, source: 'router', complexity: (i % 100) / 100, reasons: [], alternatives: [] },
      { type: 'attempt.started', taskId, attemptId: `${taskId}#1`, agent: 'backend-engineer', model, prompt: 'p' },
      { type: 'attempt.finished', attemptId: `${taskId}#1`, outcome: 'succeeded', costUsd: 0.1, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 },
      { type: 'task.verified', taskId, checks: [], basis: 'b' },
    );
  }
  const state = foldEvents(events.map((e, i) => ({ ...e, seq: i + 1, at: new Date(0).toISOString(), runId: 'bench' })))!;
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
  // ORCH_BENCH_ROUTER_FROM draws other luck (more repetitions over several runs);
  // ORCH_BENCH_ROUTER_WORKLOAD=realistic|legacy runs one workload only.
  const reps = Math.max(1, Number(process.env.ORCH_BENCH_ROUTER_REPS ?? '3'));
  const from = Math.max(0, Number(process.env.ORCH_BENCH_ROUTER_FROM ?? '0'));
  const only = process.env.ORCH_BENCH_ROUTER_WORKLOAD;
  for (const w of [realisticWorkload(), legacyWorkload()]) if (only === undefined || w.name.startsWith(only)) await compare(w, reps, from);
}
