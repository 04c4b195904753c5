// `npm run bench api`: the /api/v1 latency under a bounded load while a run streams. The run is
// a real `startRun` over 20 stand-in agents (bench/support/stand-in-agent.mjs) streaming at once,
// with the dashboard server in the same process, as `orch run` serves it; the load comes from
// another process on 127.0.0.1 (bench/support/api-load.mjs): readers loop over the read routes,
// a controller alternates pause and resume (each audited, two fsynced appends). Goal: p99 under
// 100 ms. Figures only: nothing here passes or fails on timing.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { cancelOnSignals } from '../src/cli/run-setup';
import { buildSnapshot } from '../src/orchestrator/agents/build-snapshot';
import { defaultConfig } from '../src/orchestrator/config/orch-config';
import { gitOk } from '../src/orchestrator/engine/git';
import { startRun } from '../src/orchestrator/engine/start-run';
import { runAttempt } from '../src/orchestrator/runner/run-attempt';
import { workspacePaths } from '../src/orchestrator/workspace/workspace-paths';
import type { Prd, Roadmap, Task } from '../src/protocol/domain';
import { startDashboardServer } from '../src/server/dashboard-server';
import { formatMs, percentile } from './stats';

const ROOT = resolve(__dirname, '..');
const AGENTS = 20;
const PACE_MS = 50;
const LOAD_SECONDS = Number(process.env.ORCH_BENCH_API_SECONDS ?? 8);
const READERS = 8;
const CONTROLLERS = 1;

function roadmap(): Roadmap {
  const tasks: Task[] = Array.from({ length: AGENTS }, (_, i) => ({
    id: `T${i + 1}`,
    prdId: 'PRD-1',
    title: `Task ${i + 1}`,
    description: `Write out/T${i + 1}.txt.`,
    agent: 'backend-engineer',
    phase: 'implementation',
    depends: [],
    verify: [{ kind: 'file', path: `out/T${i + 1}.txt` }],
    source: { file: 'PRD-1.md', line: 1 },
  }));
  const prd: Prd = { id: 'PRD-1', milestoneId: '1.1', title: 'PRD-1', body: '', tasks, source: { file: 'PRD-1.md', line: 1 } };
  return {
    title: 'bench',
    file: 'roadmap.md',
    phases: [{ id: '1', title: 'P', source: { file: 'roadmap.md', line: 1 }, milestones: [{ id: '1.1', phaseId: '1', title: 'M', features: [], successMetrics: [], prds: [prd], source: { file: 'roadmap.md', line: 1 } }] }],
  };
}

function line(name: string, samples: readonly number[]): string {
  return `${name.padEnd(9)} n=${String(samples.length).padStart(5)}  p50 ${formatMs(percentile(samples, 50)).padStart(9)}  p99 ${formatMs(percentile(samples, 99)).padStart(9)}  max ${formatMs(Math.max(...samples)).padStart(9)}`;
}

export async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-api-'));
  const ws = join(dir, 'ws');
  mkdirSync(ws);
  writeFileSync(join(ws, 'README.md'), 'bench\n');
  await gitOk(ws, ['init', '-q', '-b', 'main']);
  await gitOk(ws, ['add', '-A']);
  await gitOk(ws, ['commit', '-q', '-m', 'bench']);
  const paths = workspacePaths(ws);
  const server = await startDashboardServer({ workspace: ws, port: 0, staticDir: join(ROOT, 'media/webview'), builtinAgentsDir: join(ROOT, 'agents'), homeDir: dir });
  // The run listens for pause and resume as `orch run` does (the routes signal the lock's holder: this process).
  const control = cancelOnSignals({ cwd: ws, env: process.env, out: () => undefined, err: () => undefined });
  const stop = new AbortController();
  try {
    const { snapshot: registry } = await buildSnapshot({ workspace: ws, builtinDir: join(ROOT, 'agents'), homeDir: dir, phases: defaultConfig.phases }, undefined);
    // Long enough that all 20 agents stream through the whole load.
    const steps = Math.ceil(((LOAD_SECONDS + 30) * 1000) / PACE_MS);
    const run = startRun(
      {
        paths,
        config: { ...defaultConfig, parallel: AGENTS, inactivityTimeoutSec: 600, attemptTimeoutSec: 600 },
        registry,
        runAttempt: (request, emit) => runAttempt({ ...request, orchTools: false }, emit),
        claudePath: join(ROOT, 'bench/support/stand-in-agent.mjs'),
        env: { ...process.env, STAND_IN_PACE_MS: String(PACE_MS), STAND_IN_STEPS: String(steps) },
        signal: stop.signal,
        pause: control.pause,
      },
      { roadmap: roadmap(), milestones: [], parallel: AGENTS },
    );
    let runId = '';
    for (let waited = 0; waited < 60_000; waited += 100) {
      const holder = existsSync(paths.lockFile) ? (JSON.parse(readFileSync(paths.lockFile, 'utf8')) as { runId: string }).runId : '';
      // The lock is taken a moment before the log is created.
      const log = holder === '' || !existsSync(paths.eventsFile(holder)) ? '' : readFileSync(paths.eventsFile(holder), 'utf8');
      if ((log.match(/"attempt.started"/g) ?? []).length >= AGENTS && (log.match(/"attempt.activity"/g) ?? []).length >= AGENTS) {
        runId = holder;
        break;
      }
      await sleep(100);
    }
    if (runId === '') throw new Error('the 20 stand-in agents did not all start streaming within 60 s');
    const args = JSON.stringify({ port: server.port, token: server.token, runId, readers: READERS, controllers: CONTROLLERS, seconds: LOAD_SECONDS });
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bench/support/api-load.mjs'), args], { maxBuffer: 64 * 1024 * 1024 });
    const result = JSON.parse(stdout) as { reads: number[]; controls: number[]; failures: Record<string, number> };
    const events = (readFileSync(paths.eventsFile(runId), 'utf8').match(/\n/g) ?? []).length;
    console.log(`${AGENTS} stand-in agents streaming (a turn every ${PACE_MS} ms each), ${READERS} readers + ${CONTROLLERS} controller for ${LOAD_SECONDS} s from another process:`);
    console.log(line('reads', result.reads));
    console.log(line('controls', result.controls));
    console.log(`events in the run's log by the end: ${events}; non-2xx answers: ${JSON.stringify(result.failures)}`);
    stop.abort();
    await run.catch(() => undefined);
  } finally {
    stop.abort();
    control.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
