// Budget overshoot: how far past `--budget` a run spends before it pauses. The workload is the
// one that showed the problem: four tasks, each model turn $0.45 (sonnet, 140,000 input and
// 2,000 output tokens).
// - sequential: two turns a task (write a file, say so), one attempt at a time, at $0.50;
// - parallel: three turns a task, parallel 4, at $4.50: enough for the dispatcher's reservations
//   to let all four start together ($5.40 of work), so four attempts stream when it runs out.
// Each runs twice: with Orch's in-turn budget watch, and with its stops off (only the CLI's
// --max-budget-usd, checked between turns) as the baseline. Orch's figure is what its event log
// says was spent; "served" is what the scripted model answered (each request's input is billed
// once the model starts answering, even when the caller stops reading), a figure Orch cannot see.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { turnsSinceLastInstruction } from '../src/cli/demo/demo-scenario';
import { buildSnapshot } from '../src/orchestrator/agents/build-snapshot';
import { defaultConfig, type OrchConfig } from '../src/orchestrator/config/orch-config';
import { gitOk } from '../src/orchestrator/engine/git';
import { startRun } from '../src/orchestrator/engine/start-run';
import { runAttempt } from '../src/orchestrator/runner/run-attempt';
import { workspacePaths } from '../src/orchestrator/workspace/workspace-paths';
import { budgetSummary } from '../src/protocol/budget-summary';
import type { Roadmap, Task } from '../src/protocol/domain';
import { textReply } from '../src/scripted-model/reply';
import { absolutePath, costing, paced, writeTool, type Scenario } from '../src/scripted-model/scenarios';
import { isSideRequest } from '../src/scripted-model/scripted-request';
import { startScriptedModel } from '../src/scripted-model/server';

const ROOT = resolve(__dirname, '..');
const CLAUDE = join(ROOT, 'node_modules/.bin/claude');
const TURN = { inputTokens: 140_000, outputTokens: 2_000 };
const TURN_INPUT_USD = (TURN.inputTokens * 3) / 1_000_000;
const TURN_USD = TURN_INPUT_USD + (TURN.outputTokens * 15) / 1_000_000;
const TASKS = ['T1', 'T2', 'T3', 'T4'];

function roadmap(): Roadmap {
  const src = { file: 'roadmap.md', line: 1 };
  const tasks: Task[] = TASKS.map((id, i) => ({ id, prdId: 'PRD-B', title: `Write ${id}`, description: `Write ${id.toLowerCase()}.txt.`, agent: 'backend-engineer', model: 'sonnet', depends: [], verify: [{ kind: 'file', path: `${id.toLowerCase()}-1.txt` }], source: { file: 'prds/b.md', line: i + 1 } }));
  const prd = { id: 'PRD-B', milestoneId: '1.1', title: 'Budget', body: '', tasks, source: { file: 'prds/b.md', line: 1 } };
  return { title: 'bench', file: 'roadmap.md', phases: [{ id: '1', title: 'P', source: src, milestones: [{ id: '1.1', phaseId: '1', title: 'M', features: [], successMetrics: [], prds: [prd], source: src }] }] };
}

/** Each task writes `writes` files, one a turn, then says so: `writes + 1` turns of $0.45. */
function scenario(writes: number): Scenario {
  return costing(
    TURN,
    paced(20, (request, context) => {
      const id = /## Task (T\d+):/.exec(request.userText)?.[1] ?? 'T0';
      const turn = turnsSinceLastInstruction(request);
      const file = `${id.toLowerCase()}-${turn + 1}.txt`;
      return turn < writes ? writeTool(absolutePath(file, request), `${file}\n`)(request, context) : textReply(`Wrote ${writes} file(s).`);
    }),
  );
}

interface Figures {
  readonly budgetUsd: number;
  readonly spentUsd: number;
  readonly servedUsd: number;
  readonly result: string;
  readonly maxInFlight: number;
}

/** The most attempts that ran at the same time, from their start and end times. */
function maxInFlight(attempts: readonly { startedAt: string; finishedAt?: string }[]): number {
  const edges = attempts.flatMap((a) => [[Date.parse(a.startedAt), 1], [Date.parse(a.finishedAt ?? a.startedAt), -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (now += d));
  return most;
}

async function once(parallel: number, writes: number, budgetUsd: number, watch: boolean): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-overshoot-bench-'));
  const model = await startScriptedModel({ scenario: scenario(writes) });
  try {
    const workspace = join(dir, 'ws');
    const home = join(dir, 'home');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(home);
    writeFileSync(join(workspace, 'README.md'), 'bench\n');
    await gitOk(workspace, ['init', '-q', '-b', 'main']);
    await gitOk(workspace, ['add', '-A']);
    await gitOk(workspace, ['commit', '-q', '-m', 'bench']);
    const config: OrchConfig = { ...defaultConfig, parallel, attemptTimeoutSec: 120, inactivityTimeoutSec: 60 };
    const { snapshot: registry } = await buildSnapshot({ workspace, builtinDir: join(ROOT, 'agents'), homeDir: home, phases: config.phases }, undefined);
    const env = { PATH: process.env.PATH, HOME: home, ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'bench', DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
    // The baseline still reports its spend (reservations and first-turn waits as with the watch) but is never stopped by it.
    const report = (req: Parameters<typeof runAttempt>[0]): Parameters<typeof runAttempt>[0] => ({ ...req, spendWatch: (r) => void req.spendWatch?.(r) });
    const runner: typeof runAttempt = watch ? runAttempt : (req, emit) => runAttempt(report(req), emit);
    const outcome = await startRun(
      { paths: workspacePaths(workspace), config, registry, runAttempt: runner, claudePath: CLAUDE, env, signal: new AbortController().signal },
      { roadmap: roadmap(), milestones: [], budgetUsd },
    );
    const served = model.modelRequests().filter((r) => r.parsed !== undefined && !isSideRequest(r.parsed)).length;
    return { budgetUsd, spentUsd: budgetSummary(outcome.snapshot).spentUsd, servedUsd: served * TURN_INPUT_USD, result: outcome.result, maxInFlight: maxInFlight(Object.values(outcome.snapshot.attempts)) };
  } finally {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function line(label: string, f: Figures): string {
  const b = f.budgetUsd;
  const over = (x: number): string => `${x > b ? '+' : '-'}$${Math.abs(x - b).toFixed(4)} (${((100 * (x - b)) / b).toFixed(1)}%)`;
  return `    ${label.padEnd(30)} budget $${b.toFixed(2)}, ${f.result}, ${f.maxInFlight} in flight at most: spent $${f.spentUsd.toFixed(4)}, overshoot ${over(f.spentUsd)}; model served input of at least $${f.servedUsd.toFixed(4)}, overshoot ${over(f.servedUsd)}`;
}

export async function bench(): Promise<void> {
  console.log(`budget overshoot (spent - budget): 4 tasks, $${TURN_USD.toFixed(2)} a model turn, real claude CLI, scripted model`);
  const workloads = [
    ['sequential: 2 turns a task, parallel 1', 1, 1, 0.5],
    ['parallel: 3 turns a task, parallel 4', 4, 2, 4.5],
  ] as const;
  for (const [name, parallel, writes, budget] of workloads) {
    console.log(`  ${name}`);
    console.log(line('in-turn budget watch', await once(parallel, writes, budget, true)));
    console.log(line('between turns only (baseline)', await once(parallel, writes, budget, false)));
  }
}
