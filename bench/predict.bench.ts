// How good are Orch's predictions? `orch plan --estimate --json` on the simulated world of
// bench/learning.bench.ts (8 tasks, 5 routine and 3 hard, hidden durations, model pass rates,
// log-normal noise of sigma 0.3 on every answer; see bench/support/world.ts), scored against
// runs it has not seen:
// - per seed, a workspace of its own: an estimate with no history (the stated defaults), then
//   WORLD_HISTORY (4) runs that fill the learning store, then an estimate with that history,
//   then WORLD_HELDOUT (2) held-out runs with luck of their own (other noise draws);
// - both estimates are scored on the same held-out runs: the share of actual task times and
//   costs inside the 80% intervals, the median absolute percentage error of task and run time
//   and cost, and risk (first pass failed or task blocked) by Brier score and AUC;
// - WORLD_SEEDS (3) seeds, WORLD_CONCURRENCY (3) at once; real claude CLI, dist/cli.js.
// Goals of the roadmap: time within +-10%, cost within +-15%, risk accuracy over 85% (read
// here as AUC); where one is missed the bench says by how much and why.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/orchestrator/config/orch-config';
import { estimatePlan } from '../src/orchestrator/learning/estimate-plan';
import { loadPlan } from '../src/orchestrator/plan/load-plan';
import { ModelCatalog } from '../src/orchestrator/router/model-catalog';
import { OrchStore } from '../src/orchestrator/store/orch-store';
import { workspacePaths } from '../src/orchestrator/workspace/workspace-paths';
import type { PlanEstimate, TaskForecast } from '../src/protocol/forecast';
import { CLAUDE_BIN, claudeEnv } from '../test/support/claude-harness';
import { auc, brier, coverage, mape, median, pct } from './support/world-report';
import { CLI, envCount, orch, runWorld, worldWorkspace, type WorldRun } from './support/world-run';
import { worldTasks } from './support/world';

const SEEDS = envCount('WORLD_SEEDS', 3);
const HISTORY = envCount('WORLD_HISTORY', 4);
const HELDOUT = envCount('WORLD_HELDOUT', 2);
const CONCURRENCY = envCount('WORLD_CONCURRENCY', 3);
const PARALLEL = 3;

interface SeedResult {
  readonly before: PlanEstimate;
  readonly after: PlanEstimate;
  readonly history: readonly WorldRun[];
  readonly heldOut: readonly WorldRun[];
}

/** Where the estimates came from: the CLI as users run it, or the engine's function when this build's CLI has no `--estimate`. */
let source: 'orch plan --estimate --json' | 'estimatePlan() in process (this build\'s CLI has no --estimate)' = 'orch plan --estimate --json';

async function estimate(ws: string): Promise<PlanEstimate> {
  const out = await orch(ws, ['plan', 'roadmap.md', '--estimate', '--json', '--parallel', String(PARALLEL), '--workspace', ws], claudeEnv('http://127.0.0.1:9', join(ws, '..', 'home'), { ORCH_CLAUDE_PATH: CLAUDE_BIN }));
  if (out.code === 0) return JSON.parse(out.stdout) as PlanEstimate;
  if (!/estimate/.test(out.stderr + out.stdout)) throw new Error(`orch plan --estimate --json exited ${String(out.code)}: ${(out.stderr || out.stdout).trim().slice(0, 600)}`);
  source = "estimatePlan() in process (this build's CLI has no --estimate)";
  const config = defaultConfig;
  const roadmap = await loadPlan({ roadmapFile: join(ws, 'roadmap.md'), workspaceDir: ws, phases: config.phases });
  const store = await OrchStore.open(workspacePaths(ws).storeFile);
  return estimatePlan({ roadmap, catalog: ModelCatalog.build(config.models), phases: config.phases }, store.outcomes, PARALLEL);
}

async function seedResult(seed: number): Promise<SeedResult> {
  const dir = mkdtempSync(join(tmpdir(), `orch-world-predict-${seed}-`));
  try {
    const tasks = worldTasks(seed);
    const ws = await worldWorkspace(dir, tasks);
    const before = await estimate(ws);
    const history: WorldRun[] = [];
    for (let i = 1; i <= HISTORY; i++) history.push(await runWorld({ ws, tasks, luck: `predict|${seed}|history|${i}`, parallel: PARALLEL }));
    const after = await estimate(ws);
    const heldOut: WorldRun[] = [];
    for (let i = 1; i <= HELDOUT; i++) heldOut.push(await runWorld({ ws, tasks, luck: `predict|${seed}|held-out|${i}`, parallel: PARALLEL }));
    process.stderr.write(`  seed ${seed}: ${HISTORY} history runs, ${HELDOUT} held-out runs done\n`);
    return { before, after, history, heldOut };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function forecastOf(e: PlanEstimate, taskId: string): TaskForecast | undefined {
  return e.tasks.find((t) => t.taskId === taskId || taskId.endsWith(`/${t.taskId}`) || t.taskId.endsWith(`/${taskId}`));
}

function runSpanMs(r: WorldRun): number {
  return Date.parse(r.snapshot.finishedAt ?? r.snapshot.updatedAt) - Date.parse(r.snapshot.startedAt);
}

function score(label: string, results: readonly SeedResult[], pick: (s: SeedResult) => PlanEstimate): void {
  const time: { actual: number; predicted: number; lo: number; hi: number }[] = [];
  const toVerified: { actual: number; predicted: number; lo: number; hi: number }[] = [];
  const cost: { actual: number; predicted: number; lo: number; hi: number }[] = [];
  const risk: { p: number; happened: boolean }[] = [];
  const runTime: { actual: number; predicted: number; lo: number; hi: number }[] = [];
  const runCost: { actual: number; predicted: number; lo: number; hi: number }[] = [];
  let missing = 0;
  for (const s of results) {
    const e = pick(s);
    for (const r of s.heldOut) {
      runTime.push({ actual: runSpanMs(r), predicted: e.run.wallMs.p50, lo: e.run.wallMs.lo, hi: e.run.wallMs.hi });
      runCost.push({ actual: r.costUsd, predicted: e.run.costUsd.p50, lo: e.run.costUsd.lo, hi: e.run.costUsd.hi });
      for (const t of r.tasks) {
        const f = forecastOf(e, t.id);
        if (f === undefined) {
          missing += 1;
          continue;
        }
        risk.push({ p: f.risk, happened: t.firstPassFailed });
        if (t.attempts === 0) continue;
        time.push({ actual: t.attemptsMs, predicted: f.durationMs.p50, lo: f.durationMs.lo, hi: f.durationMs.hi });
        toVerified.push({ actual: t.wallMs, predicted: f.durationMs.p50, lo: f.durationMs.lo, hi: f.durationMs.hi });
        cost.push({ actual: t.costUsd, predicted: f.costUsd.p50, lo: f.costUsd.lo, hi: f.costUsd.hi });
      }
    }
  }
  const bases = [...new Set(results.map((s) => pick(s).basis))].join('/');
  const failed = risk.filter((r) => r.happened).length;
  console.log(`\n  ${label} (basis ${bases}; ${time.length} task outcomes, ${runTime.length} runs${missing > 0 ? `; ${missing} tasks without a forecast` : ''})`);
  console.log(`    task time  inside 80% interval ${pct(coverage(time)).padStart(6)}  median abs error ${pct(mape(time)).padStart(7)}  (its attempts' durations added up, as the learning store counts a task)`);
  console.log(`    task time  inside 80% interval ${pct(coverage(toVerified)).padStart(6)}  median abs error ${pct(mape(toVerified)).padStart(7)}  (first attempt started to task verified: checks, merge and waits between attempts included)`);
  console.log(`    task cost  inside 80% interval ${pct(coverage(cost)).padStart(6)}  median abs error ${pct(mape(cost)).padStart(7)}`);
  console.log(`    run time   inside 80% interval ${pct(coverage(runTime)).padStart(6)}  median abs error ${pct(mape(runTime)).padStart(7)}  (goal +-10%${errorGap(mape(runTime), 0.1)})`);
  console.log(`    run cost   inside 80% interval ${pct(coverage(runCost)).padStart(6)}  median abs error ${pct(mape(runCost)).padStart(7)}  (goal +-15%${errorGap(mape(runCost), 0.15)})`);
  console.log(`    risk       Brier ${brier(risk).toFixed(3)} (a constant guess of the base rate scores ${baseRateBrier(risk).toFixed(3)})  AUC ${Number.isFinite(auc(risk)) ? auc(risk).toFixed(2) : 'n/a'} (goal > 0.85${scoreGap(auc(risk), 0.85)})  ${failed}/${risk.length} tasks failed a first pass`);
}

function baseRateBrier(risk: readonly { p: number; happened: boolean }[]): number {
  const rate = risk.filter((r) => r.happened).length / Math.max(1, risk.length);
  return brier(risk.map((r) => ({ p: rate, happened: r.happened })));
}

/** For an error that must stay under `goal`. */
function errorGap(error: number, goal: number): string {
  if (!Number.isFinite(error)) return '';
  return error <= goal ? ': met' : `: off by ${pct(error - goal)}`;
}

/** For a score that must reach `goal`. */
function scoreGap(value: number, goal: number): string {
  if (!Number.isFinite(value)) return '';
  return value >= goal ? ': met' : `: off by ${(goal - value).toFixed(2)}`;
}

/**
 * What the world's own noise allows: each held-out run predicted by the median of the same
 * seed's history runs, a predictor that knows this world's roadmap, models and machine as
 * well as history can teach. A goal tighter than this is out of reach for any estimator.
 */
function noiseFloor(results: readonly SeedResult[]): void {
  const time: { actual: number; predicted: number }[] = [];
  const cost: { actual: number; predicted: number }[] = [];
  for (const s of results) {
    const t = median(s.history.map(runSpanMs));
    const c = median(s.history.map((r) => r.costUsd));
    for (const r of s.heldOut) {
      time.push({ actual: runSpanMs(r), predicted: t });
      cost.push({ actual: r.costUsd, predicted: c });
    }
  }
  console.log(
    `\n  noise floor: predicting each held-out run by the median of its seed's ${HISTORY} history runs errs by ${pct(mape(time))} on run time and ${pct(mape(cost))} on run cost (median).` +
      ' Every answer carries log-normal noise of sigma 0.3, a first pass is a draw at the model\'s pass rate (a failed one adds a rework), and the seeds share loaded cores;' +
      ' where the floor is above a goal, no estimator can meet that goal on this world.',
  );
}

export async function bench(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (the bench runs orch as users run it)`);
  const seeds = Array.from({ length: SEEDS }, (_, i) => i + 1);
  const t0 = performance.now();
  const results: SeedResult[] = [];
  try {
    for (let i = 0; i < seeds.length; i += CONCURRENCY) results.push(...(await Promise.all(seeds.slice(i, i + CONCURRENCY).map(seedResult))));
  } catch (error) {
    console.log(`\nprediction: cannot score, ${(error as Error).message}`);
    return;
  }
  console.log(`\nprediction by ${source}: ${SEEDS} seeds, ${HISTORY} history runs then ${HELDOUT} held-out runs each, --parallel ${PARALLEL}, real claude CLI, scripted world`);
  score('no history (estimate made before the first run)', results, (s) => s.before);
  score(`with history (estimate made after ${HISTORY} runs)`, results, (s) => s.after);
  noiseFloor(results);
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
