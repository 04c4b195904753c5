// Worktree setup figures: what `worktree.setup: npm ci --prefer-offline` costs each new task
// worktree of a small real npm project (yaml + ws), installed cold in every worktree versus
// installed once and copied from .orch/cache/deps/ to the others. Through the whole engine,
// with a stand-in agent; the times are the engine's own `task.setup.finished` records.
import { execFileSync } from 'node:child_process';
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
import { formatMs, percentile } from './stats';

const ROOT = resolve(__dirname, '..');
const STAND_IN = join(ROOT, 'bench/support/stand-in-agent.mjs');
const TASKS = 4;
// The versions Orch itself locks, so npm finds them in its cache.
const DEPENDENCIES = { yaml: '2.9.1', ws: '8.23.0' };
const INSTALL = 'npm ci --prefer-offline --no-audit --no-fund';

function roadmap(): Roadmap {
  const tasks: Task[] = Array.from({ length: TASKS }, (_, i) => ({
    id: `T${i + 1}`,
    prdId: 'PRD-1',
    title: `Task ${i + 1}`,
    description: 'Needs the installed dependencies.',
    agent: 'backend-engineer',
    phase: 'implementation',
    depends: [],
    verify: [{ kind: 'file', path: `out/T${i + 1}.txt` }, { kind: 'command', command: "node -e \"require('yaml'); require('ws')\"" }],
    source: { file: 'PRD-1.md', line: 1 },
  }));
  const prd: Prd = { id: 'PRD-1', milestoneId: '1.1', title: 'PRD-1', body: '', tasks, source: { file: 'PRD-1.md', line: 1 } };
  return {
    title: 'bench',
    file: 'roadmap.md',
    phases: [{ id: '1', title: 'P', source: { file: 'roadmap.md', line: 1 }, milestones: [{ id: '1.1', phaseId: '1', title: 'M', features: [], successMetrics: [], prds: [prd], source: { file: 'roadmap.md', line: 1 } }] }],
  };
}

async function project(dir: string): Promise<string> {
  const ws = join(dir, 'ws');
  mkdirSync(ws);
  writeFileSync(join(ws, 'package.json'), `${JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true, dependencies: DEPENDENCIES }, null, 2)}\n`);
  writeFileSync(join(ws, '.gitignore'), 'node_modules/\n');
  execFileSync('npm', ['install', '--package-lock-only', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: ws, stdio: 'ignore' });
  await gitOk(ws, ['init', '-q', '-b', 'main']);
  await gitOk(ws, ['add', '-A']);
  await gitOk(ws, ['commit', '-q', '-m', 'bench']);
  return ws;
}

/** Setup times of one run, in task order, with their outcomes. */
async function setupTimes(setup: string): Promise<{ outcome: string; ms: number }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-setup-'));
  try {
    const ws = await project(dir);
    const { snapshot: registry } = await buildSnapshot({ workspace: ws, builtinDir: join(ROOT, 'agents'), homeDir: dir, phases: defaultConfig.phases }, undefined);
    // One task at a time, so each setup's time is its own and not a share of the CPU.
    const outcome = await startRun(
      {
        paths: workspacePaths(ws),
        config: { ...defaultConfig, parallel: 1, worktree: { setup, setupTimeoutSec: 300 } },
        registry,
        runAttempt: (request, emit) => runAttempt({ ...request, orchTools: false }, emit),
        claudePath: STAND_IN,
        env: { ...process.env, STAND_IN_PACE_MS: '20', STAND_IN_STEPS: '2' },
        signal: new AbortController().signal,
      },
      { roadmap: roadmap(), milestones: [], parallel: 1 },
    );
    const tasks = outcome.snapshot.taskOrder.map((id) => outcome.snapshot.tasks[id]!);
    const unverified = tasks.filter((t) => t.state !== 'verified');
    if (unverified.length > 0) throw new Error(`setup bench: ${unverified.map((t) => `${t.id} ${t.state}: ${t.error ?? ''}`).join('; ')}`);
    return tasks.map((t) => ({ outcome: t.setup?.outcome ?? 'none', ms: t.setup?.durationMs ?? Number.NaN }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function line(label: string, times: readonly { outcome: string; ms: number }[]): string {
  const each = times.map((t) => `${t.outcome} ${formatMs(t.ms)}`).join(', ');
  return `${label}: ${each}; median ${formatMs(percentile(times.map((t) => t.ms), 50))}`;
}

export async function bench(): Promise<void> {
  // `&& true` makes the same install uncacheable: Orch caches only a command that is an installer and nothing else.
  const cold = await setupTimes(`${INSTALL} && true`);
  const cached = await setupTimes(INSTALL);
  const reused = cached.filter((t) => t.outcome === 'reused').map((t) => t.ms);
  console.log(`setup: ${TASKS} worktrees of a project with ${Object.keys(DEPENDENCIES).join(' + ')}, \`${INSTALL}\`, one task at a time`);
  console.log(line('  cold install in every worktree', cold));
  console.log(line('  install once, then the cache', cached));
  console.log(`  per later worktree: ${formatMs(percentile(reused, 50))} reused vs ${formatMs(percentile(cold.slice(1).map((t) => t.ms), 50))} cold (${(percentile(cold.slice(1).map((t) => t.ms), 50) / percentile(reused, 50)).toFixed(1)}x)`);
}
