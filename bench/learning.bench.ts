// Does Orch get better at the same roadmap the more it runs it? An honest curve on a world
// with a known ground truth (bench/support/world.ts):
// - the roadmap: 8 tasks in one PRD, 5 routine (backend-engineer, a one-line brief, hidden
//   base 1-2.5 s) and 3 hard (staff-engineer, a design brief, hidden base 4-6 s), in two
//   chains plus loose tasks, at --parallel 3. Each seed is its own world: hidden durations
//   vary by +-30% between seeds.
// - the model: the first answer of an attempt waits base x speed (haiku 0.6, sonnet 1, opus
//   1.5) x log-normal noise (sigma 0.3), then writes the task's file correct ("OK") with the
//   pass rates of world.ts (haiku 0.85 routine / 0.30 hard first time, sonnet 0.93 / 0.60,
//   opus 0.97 / 0.85; reworks a little different) or wrong ("TODO": the check `grep -q OK`
//   fails, a defect, a rework). Tokens per turn follow the difficulty; the claude CLI prices
//   them at the model's rates.
// - the runs: WORLD_ITERATIONS (10) runs of the same roadmap in the same workspace, so
//   `.orch/orch.json` carries what earlier runs taught; WORLD_SEEDS (3) seeds, each in a
//   workspace of its own, WORLD_CONCURRENCY (3) seeds at once. `orch run` is dist/cli.js with
//   the real claude CLI against the scripted model: every figure is the product as users run it.
// - then adaptation against a static run on two rate-limit storms (bench/support/world-storm.ts;
//   WORLD_STORM=0 skips it, blackout or quota runs one; WORLD_LEARNING=0 skips the curves and
//   runs the storms alone).
// Nothing in the world was tuned to the roadmap's goals; where a goal is missed the bench says
// by how much and what in the world or in Orch stands in the way.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { asciiCurve, convergedAt, median, pct, spread, trendPerStep } from './support/world-report';
import { CLI, envCount, runWorld, worldWorkspace, type WorldRun } from './support/world-run';
import { stormComparison } from './support/world-storm';
import { familyOf, worldTasks } from './support/world';

const ITERATIONS = envCount('WORLD_ITERATIONS', 10);
const SEEDS = envCount('WORLD_SEEDS', 3);
const CONCURRENCY = envCount('WORLD_CONCURRENCY', 3);
const PARALLEL = 3;

interface Point {
  readonly costPerVerified: number;
  readonly wallS: number;
  readonly defectsPerTask: number;
  readonly firstPassFailRate: number;
  readonly verifiedShare: number;
  readonly mix: Readonly<Record<string, number>>;
  readonly adaptations: number;
  /** The machine's 1-minute load average at the run's end: wall time follows it. */
  readonly load: number;
}

function point(r: WorldRun): Point {
  const n = r.tasks.length;
  const mix: Record<string, number> = {};
  for (const t of r.tasks) for (const m of t.models) mix[familyOf(m)] = (mix[familyOf(m)] ?? 0) + 1;
  return {
    costPerVerified: r.verified === 0 ? Number.NaN : r.costUsd / r.verified,
    wallS: r.wallMs / 1000,
    defectsPerTask: r.defects / n,
    firstPassFailRate: r.tasks.filter((t) => t.firstPassFailed).length / n,
    verifiedShare: r.verified / n,
    mix,
    adaptations: Object.values(r.adaptations).reduce((a, b) => a + b, 0),
    load: loadavg()[0] ?? Number.NaN,
  };
}

async function seedCurve(seed: number): Promise<Point[]> {
  const dir = mkdtempSync(join(tmpdir(), `orch-world-learning-${seed}-`));
  try {
    const tasks = worldTasks(seed);
    const ws = await worldWorkspace(dir, tasks);
    const points: Point[] = [];
    for (let it = 1; it <= ITERATIONS; it++) {
      const run = await runWorld({ ws, tasks, luck: `learning|${seed}|${it}`, parallel: PARALLEL });
      points.push(point(run));
      process.stderr.write(`  seed ${seed} iteration ${it}: ${run.verified}/${run.tasks.length} verified, $${run.costUsd.toFixed(3)}, ${(run.wallMs / 1000).toFixed(1)} s\n`);
    }
    return points;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inBatches<T>(items: readonly number[], size: number, f: (x: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(f))));
  return out;
}

/**
 * The trend of the medians against a goal, with the trend of each seed alone beside it: when
 * the seeds disagree on its sign, the curve is not told apart from the world's noise.
 */
function goalLine(label: string, series: readonly number[], perSeed: readonly (readonly number[])[], goal: { readonly lo: number; readonly hi?: number } | undefined, why: string): void {
  const trend = -trendPerStep(series);
  const seeds = perSeed.map((s) => -trendPerStep(s)).filter((x) => Number.isFinite(x));
  const k = convergedAt(series, 0.1);
  const toConverge = k === 0 ? Number.NaN : -trendPerStep(series.slice(0, k + 1));
  const goalText = goal === undefined ? 'no roadmap goal' : goal.hi === undefined ? `goal >= ${pct(goal.lo, 0)}` : `goal ${pct(goal.lo, 0)}-${pct(goal.hi, 0)}`;
  const mixed = seeds.some((x) => x > 0) && seeds.some((x) => x <= 0);
  // The verdict rests on the median seed's trend: a curve of medians can fall where no seed does.
  const typical = median(seeds);
  const verdict = goal === undefined ? '' : typical >= goal.lo ? `: goal met by the median seed (${pct(typical)})` : `: the median seed (${pct(typical)}) is ${pct(goal.lo - typical)} short of the goal. ${why}`;
  console.log(
    `  ${label.padEnd(24)} ${pct(trend).padStart(7)} better per iteration over all ${series.length} (${goalText}); per seed ${seeds.map((x) => pct(x)).join(', ')}` +
      (mixed ? ' (the seeds disagree on the sign: not told apart from noise)' : '') +
      `; settles within +-10% from iteration ${k + 1}${Number.isFinite(toConverge) ? ` (${pct(toConverge)} per iteration until then)` : ''}${verdict}`,
  );
}

export async function bench(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (the bench runs orch as users run it)`);
  if (process.env.WORLD_LEARNING === '0') return stormComparison();
  const seeds = Array.from({ length: SEEDS }, (_, i) => i + 1);
  const t0 = performance.now();
  const curves = await inBatches(seeds, CONCURRENCY, seedCurve);
  const its = Array.from({ length: ITERATIONS }, (_, i) => i);
  const at = (i: number, f: (p: Point) => number) => curves.map((c) => f(c[i]!));
  console.log(`\nlearning: ${ITERATIONS} runs of the same 8-task roadmap per workspace, ${SEEDS} seeds, --parallel ${PARALLEL}, real claude CLI, scripted world; median [min..max] over seeds`);
  console.log(`  ${'run'.padStart(4)}  ${'$ per verified task'.padEnd(24)} ${'wall s'.padEnd(22)} ${'defects per task'.padEnd(20)} ${'first-pass fails'.padEnd(20)} verified   load  adapted  attempts by model (all seeds)`);
  for (const i of its) {
    const mix: Record<string, number> = {};
    for (const c of curves) for (const [m, k] of Object.entries(c[i]!.mix)) mix[m] = (mix[m] ?? 0) + k;
    console.log(
      `  ${String(i + 1).padStart(4)}  ${spread(at(i, (p) => p.costPerVerified), 4).padEnd(24)} ${spread(at(i, (p) => p.wallS), 1).padEnd(22)} ${spread(at(i, (p) => p.defectsPerTask), 2).padEnd(20)} ${spread(at(i, (p) => p.firstPassFailRate), 2).padEnd(20)} ${pct(median(at(i, (p) => p.verifiedShare)), 0).padEnd(10)} ${median(at(i, (p) => p.load)).toFixed(1).padStart(4)}  ${String(curves.reduce((a, c) => a + c[i]!.adaptations, 0)).padStart(7)}  ${['haiku', 'sonnet', 'opus'].map((m) => `${m} ${mix[m] ?? 0}`).join(', ')}`,
    );
  }
  const rows = (f: (p: Point) => number) => its.map((i) => ({ label: `run ${i + 1}`, values: at(i, f) }));
  console.log(`\n${asciiCurve('cost per verified task, $ (median over seeds)', rows((p) => p.costPerVerified), 4)}`);
  console.log(`\n${asciiCurve('wall time, s', rows((p) => p.wallS), 1)}`);
  console.log(`\n${asciiCurve('defects per task', rows((p) => p.defectsPerTask), 2)}`);
  const med = (f: (p: Point) => number) => its.map((i) => median(at(i, f)));
  const firstMix = curves.flatMap((c) => Object.entries(c[0]!.mix));
  const lastMix = curves.flatMap((c) => Object.entries(c[ITERATIONS - 1]!.mix));
  const share = (mix: [string, number][], m: string) => mix.filter(([k]) => k === m).reduce((a, [, k]) => a + k, 0) / Math.max(1, mix.reduce((a, [, k]) => a + k, 0));
  const mixText = `attempts on haiku/sonnet/opus went from ${['haiku', 'sonnet', 'opus'].map((m) => pct(share(firstMix, m), 0)).join('/')} in run 1 to ${['haiku', 'sonnet', 'opus'].map((m) => pct(share(lastMix, m), 0)).join('/')} in run ${ITERATIONS}`;
  const overhead = 'The hidden durations do not change between runs, so time can only fall by a different choice of model or order; most of an attempt here is the CLI start, verification and merge, which no learning shortens.';
  console.log('\nimprovement per iteration (least-squares trend of the medians, as a share of their mean) against the roadmap goals:');
  const bySeed = (f: (p: Point) => number) => curves.map((c) => c.map(f));
  goalLine('cost per verified task', med((p) => p.costPerVerified), bySeed((p) => p.costPerVerified), undefined, '');
  goalLine('wall time', med((p) => p.wallS), bySeed((p) => p.wallS), { lo: 0.03, hi: 0.05 }, `${overhead} ${mixText}.`);
  goalLine('defects per task', med((p) => p.defectsPerTask), bySeed((p) => p.defectsPerTask), { lo: 0.1 }, `Defects come from the pass rates of the model chosen and from luck (noise draws differ every run); fewer needs a stronger model on the tasks that fail, which costs more: ${mixText}.`);
  console.log(`  the machine's load (column load) moves wall time too: a falling load reads as learning. ${mixText}.`);
  console.log(`  (${SEEDS} seeds x ${ITERATIONS} runs took ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  if (process.env.WORLD_STORM !== '0') await stormComparison();
}
