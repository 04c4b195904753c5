// Adaptation against a static run on rate-limit storms: the world's roadmap (fresh workspace
// each run, so no learning helps either side) at --parallel 4, under two storms:
// - a blackout: from 2 s after the model's first call until 20 s after it, every call gets 429
//   with retry-after 3 (no client behaviour changes what it meets);
// - a quota: from 2 s to 60 s, a call gets 429 (retry-after 3) when 2 calls were answered in the
//   last 5 s. Four agents ask for more than that and two for less, so backing off can pay here.
// Wall time, failed attempts and retried tries, adaptive (Orch's defaults) against static
// (adaptation switched off in `.orch/config.json`), interleaved so a slow spell of the machine
// hits both. WORLD_STORM_REPS (2) runs of each; WORLD_STORM=blackout|quota runs one storm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/orchestrator/config/orch-config';
import { spread } from './world-report';
import { runWorld, worldWorkspace, type WorldRun } from './world-run';
import { worldTasks } from './world';
import type { StormWindow } from './world-scenario';

const STORMS: readonly { readonly name: string; readonly text: string; readonly storm: StormWindow }[] = [
  { name: 'blackout', text: 'every call gets 429 (retry-after 3 s) from 2 s to 20 s after the first call', storm: { fromMs: 2_000, untilMs: 20_000, retryAfterSec: 3 } },
  {
    name: 'quota',
    text: 'from 2 s to 60 s a call gets 429 (retry-after 3 s) when 2 calls were answered in the last 5 s',
    storm: { fromMs: 2_000, untilMs: 60_000, retryAfterSec: 3, quota: { calls: 2, perMs: 5_000 } },
  },
];
const REPS = Math.max(1, Number(process.env.WORLD_STORM_REPS ?? 2));

/** The config that turns adaptation off, when this build has the switch; undefined when it has none. */
function staticConfig(): Readonly<Record<string, unknown>> | undefined {
  return 'adapt' in defaultConfig ? { adapt: { enabled: false } } : undefined;
}

async function once(storm: StormWindow, rep: number, config: Readonly<Record<string, unknown>> | undefined): Promise<WorldRun> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-world-storm-'));
  try {
    const tasks = worldTasks(1);
    const ws = await worldWorkspace(dir, tasks, config);
    return await runWorld({ ws, tasks, luck: `storm|${rep}`, parallel: 4, storm });
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
  const only = process.env.WORLD_STORM;
  for (const s of STORMS) if (only === undefined || only === '1' || only === s.name) await compare(s.name, s.text, s.storm);
}

async function compare(name: string, text: string, storm: StormWindow): Promise<void> {
  const off = staticConfig();
  const adaptive: WorldRun[] = [];
  const fixed: WorldRun[] = [];
  for (let rep = 1; rep <= REPS; rep++) {
    if (off !== undefined) fixed.push(await once(storm, rep, off));
    adaptive.push(await once(storm, rep, undefined));
  }
  console.log(`\nadaptation on a rate-limit storm, ${name}: ${text}; --parallel 4, ${REPS} runs each: median [min..max]`);
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
