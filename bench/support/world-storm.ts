// Adaptation against a static run on a rate-limit storm: the world's roadmap (fresh workspace
// each run, so no learning helps either side) at --parallel 4, and from 2 s after the model's
// first call until 20 s after it every call gets 429 with retry-after 3. Wall time and failed
// attempts, adaptive (Orch's defaults) against static (adaptation switched off in
// `.orch/config.json`), interleaved so a slow spell of the machine hits both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/orchestrator/config/orch-config';
import { spread } from './world-report';
import { runWorld, worldWorkspace, type WorldRun } from './world-run';
import { worldTasks } from './world';

const STORM = { fromMs: 2_000, untilMs: 20_000, retryAfterSec: 3 };
const REPS = Math.max(1, Number(process.env.WORLD_STORM_REPS ?? 2));

/** The config that turns adaptation off, when this build has the switch; undefined when it has none. */
function staticConfig(): Readonly<Record<string, unknown>> | undefined {
  return 'adapt' in defaultConfig ? { adapt: { enabled: false } } : undefined;
}

async function once(seed: number, rep: number, config: Readonly<Record<string, unknown>> | undefined): Promise<WorldRun> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-world-storm-'));
  try {
    const tasks = worldTasks(seed);
    const ws = await worldWorkspace(dir, tasks, config);
    return await runWorld({ ws, tasks, luck: `storm|${seed}|${rep}`, parallel: 4, storm: STORM });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function decisions(runs: readonly WorldRun[]): string {
  const total: Record<string, number> = {};
  for (const r of runs) for (const [k, n] of Object.entries(r.adaptations)) total[k] = (total[k] ?? 0) + n;
  const list = Object.entries(total).map(([k, n]) => `${k} ${n}`);
  return list.length === 0 ? 'none' : list.join(', ');
}

export async function stormComparison(): Promise<void> {
  const off = staticConfig();
  const adaptive: WorldRun[] = [];
  const fixed: WorldRun[] = [];
  for (let rep = 1; rep <= REPS; rep++) {
    if (off !== undefined) fixed.push(await once(1, rep, off));
    adaptive.push(await once(1, rep, undefined));
  }
  console.log(`\nadaptation on a rate-limit storm (429, retry-after ${STORM.retryAfterSec} s, from ${STORM.fromMs / 1000} s to ${STORM.untilMs / 1000} s after the first call), --parallel 4, ${REPS} runs each: median [min..max]`);
  const row = (label: string, runs: readonly WorldRun[]) =>
    console.log(
      `  ${label.padEnd(34)} wall ${spread(runs.map((r) => r.wallMs / 1000), 1).padEnd(22)} s  failed attempts ${spread(runs.map((r) => r.failedAttempts), 0).padEnd(12)} retried tries ${spread(runs.map((r) => r.retries), 0).padEnd(12)} attempts ${spread(runs.map((r) => r.attempts), 0).padEnd(12)} 429s served ${spread(runs.map((r) => r.rateLimitedCalls), 0).padEnd(12)} verified ${spread(runs.map((r) => r.verified), 0)}/${runs[0]?.tasks.length ?? 0}  decisions ${decisions(runs)}`,
    );
  row('Orch as shipped (adaptive if built)', adaptive);
  if (off === undefined) {
    console.log('  static: this build has no switch to turn adaptation off (no `adapt` key in the config), so there is nothing to compare with: the row above is the static engine.');
    return;
  }
  row(`static (${JSON.stringify(off)})`, fixed);
  const gain = adaptive.map((a, i) => 1 - a.wallMs / (fixed[i]?.wallMs ?? Number.NaN));
  console.log(`  wall-time gain of adaptation: ${spread(gain.map((g) => 100 * g), 1)} % (goal > 20%)`);
}
