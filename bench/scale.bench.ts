// Capacity, measured on this machine: one coordinator (`orch run --queue`, in this process) and
// 1, 2 and 4 `orch worker` processes, each in its own folder, against a real redis-server, with
// stand-in agents (bench/support/stand-in-agent.mjs) instead of claude. Prints throughput per
// worker count (median and spread over repetitions) and the coordinator's CPU per event appended.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIo } from '../src/cli/cli-io';
import { runCli } from '../src/cli/run-cli';
import { gitOk } from '../src/orchestrator/engine/git';
import type { OrchEvent } from '../src/protocol/events';
import { prd, setGitIdentity } from '../test/support/engine-fixture';
import { startRedisServer, type RedisServer } from '../test/support/redis-server';
import { percentile } from './stats';

const ROOT = resolve(__dirname, '..');
const STAND_IN = join(ROOT, 'bench/support/stand-in-agent.mjs');
const TSX_LOADER = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const MAIN = join(ROOT, 'src/cli/main.ts');

const TASKS = Number(process.env.ORCH_BENCH_SCALE_TASKS ?? 48);
const REPEAT = Number(process.env.ORCH_BENCH_SCALE_REPEAT ?? 3);
const WORKERS = (process.env.ORCH_BENCH_SCALE_WORKERS ?? '1,2,4').split(',').map(Number);
const SLOTS = Number(process.env.ORCH_BENCH_SCALE_SLOTS ?? 4);
const PACE_MS = Number(process.env.ORCH_BENCH_SCALE_PACE_MS ?? 200);
const STEPS = 5;

const ROADMAP = `# Scale bench

## Phase 1: Only phase

### Milestone 1.1: Everything
**Duration:** 1 week
**Focus:** throughput
`;

/** Independent tasks, ten to a PRD, each writing one file its check looks for. */
async function workspace(dir: string): Promise<string> {
  const ws = join(dir, 'ws');
  mkdirSync(join(ws, 'prds'), { recursive: true });
  writeFileSync(join(ws, 'roadmap.md'), ROADMAP);
  for (let p = 0; p * 10 < TASKS; p++) {
    const id = `PRD-${p + 1}`;
    const tasks = Array.from({ length: Math.min(10, TASKS - p * 10) }, (_, i) => ({ id: `T${i + 1}`, file: `out/${id}-T${i + 1}.txt` }));
    writeFileSync(join(ws, 'prds', `${id}.md`), prd(id, tasks));
  }
  await gitOk(ws, ['init', '-q', '-b', 'main']);
  await setGitIdentity(ws);
  await gitOk(ws, ['add', '-A']);
  await gitOk(ws, ['commit', '-q', '-m', 'bench']);
  return ws;
}

interface Worker {
  readonly name: string;
  readonly child: ChildProcess;
  stderr: string;
}

function startWorker(name: string, folder: string, queue: string, env: NodeJS.ProcessEnv): Worker {
  mkdirSync(folder, { recursive: true });
  const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, 'worker', '--queue', queue, '--slots', String(SLOTS), '--name', name], { cwd: folder, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const worker: Worker = { name, child, stderr: '' };
  child.stderr?.on('data', (c: Buffer) => (worker.stderr = (worker.stderr + c.toString()).slice(-4000)));
  return worker;
}

async function stopWorker(w: Worker): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  const exited = new Promise<void>((done) => w.child.once('exit', () => done()));
  w.child.kill('SIGTERM');
  const timer = setTimeout(() => w.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

interface OneRun {
  readonly verified: number;
  readonly tasks: number;
  /** From the first attempt placed on a worker to the last task verified, by the log's clock. */
  readonly spanMs: number;
  readonly wallMs: number;
  readonly events: number;
  readonly bytes: number;
  readonly attempts: number;
  readonly coordinatorCpuMs: number;
}

function runEvents(ws: string): { events: OrchEvent[]; bytes: number } {
  const runs = join(ws, '.orch', 'runs');
  const [runId] = existsSync(runs) ? readdirSync(runs) : [];
  if (runId === undefined) return { events: [], bytes: 0 };
  const text = readFileSync(join(runs, runId, 'events.jsonl'), 'utf8');
  return { events: text.trimEnd().split('\n').map((l) => JSON.parse(l) as OrchEvent), bytes: Buffer.byteLength(text) };
}

async function oneRun(redis: RedisServer, workers: number): Promise<OneRun> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-scale-'));
  const started: Worker[] = [];
  let running = true;
  try {
    const ws = await workspace(dir);
    const home = join(dir, 'home');
    mkdirSync(home);
    // The stand-in needs no credentials; the preflight only asks that some are set.
    const env = { ...process.env, HOME: home, ANTHROPIC_API_KEY: 'stand-in', ORCH_CLAUDE_PATH: STAND_IN, STAND_IN_PACE_MS: String(PACE_MS), STAND_IN_STEPS: String(STEPS) };
    for (let i = 1; i <= workers; i++) started.push(startWorker(`w${i}`, join(dir, `worker-${i}`), redis.url, env));
    const out: string[] = [];
    const io: CliIo = { cwd: ws, env, out: (t) => void out.push(t), err: (t) => void out.push(t) };
    const cpuBefore = process.cpuUsage();
    const t0 = Date.now();
    const code = await Promise.race([
      runCli(['run', 'roadmap.md', '--queue', redis.url, '--no-dashboard', '--parallel', String(workers * SLOTS), '--claude-path', STAND_IN], io),
      // A worker that dies leaves the coordinator waiting for nobody: say so rather than hang.
      ...started.map(
        (w) =>
          new Promise<never>((_, reject) =>
            w.child.once('exit', (c, signal) => {
              if (running) reject(new Error(`orch worker ${w.name} exited (${signal ?? c}) during the run:\n${w.stderr}`));
            }),
          ),
      ),
    ]);
    running = false;
    const wallMs = Date.now() - t0;
    const cpu = process.cpuUsage(cpuBefore);
    if (code !== 0) throw new Error(`orch run --queue exited ${code}:\n${out.slice(-20).join('\n')}`);
    const { events, bytes } = runEvents(ws);
    const at = (e: OrchEvent) => Date.parse(e.at);
    const first = events.find((e) => e.type === 'attempt.placed') ?? events.find((e) => e.type === 'attempt.started');
    const verified = events.filter((e) => e.type === 'task.verified');
    const last = verified[verified.length - 1];
    return {
      verified: verified.length,
      tasks: TASKS,
      spanMs: first === undefined || last === undefined ? Number.NaN : at(last) - at(first),
      wallMs,
      events: events.length,
      bytes,
      attempts: events.filter((e) => e.type === 'attempt.started').length,
      coordinatorCpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    running = false;
    await Promise.all(started.map(stopWorker));
    rmSync(dir, { recursive: true, force: true });
  }
}

const spread = (xs: readonly number[], digits: number) => `${percentile(xs, 50).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

export async function bench(): Promise<void> {
  const redis = await startRedisServer();
  try {
    for (const workers of WORKERS) {
      const runs: OneRun[] = [];
      for (let i = 0; i < REPEAT; i++) runs.push(await oneRun(redis, workers));
      const perSec = runs.map((r) => r.verified / (r.spanMs / 1000));
      const wallPerSec = runs.map((r) => r.verified / (r.wallMs / 1000));
      const cpuPerEvent = runs.map((r) => r.coordinatorCpuMs / r.events);
      const verified = runs.reduce((n, r) => n + r.verified, 0);
      console.log(
        `scale: ${workers} worker(s) x ${SLOTS} slots, ${TASKS} stand-in tasks (${PACE_MS * STEPS} ms each), ${runs.length} runs: ${verified}/${TASKS * runs.length} verified; ` +
          `throughput ${spread(perSec, 2)} tasks/s placed-to-verified, ${spread(wallPerSec, 2)} tasks/s over the whole coordinator run; ` +
          `coordinator CPU ${spread(cpuPerEvent, 3)} ms per event (${spread(runs.map((r) => r.events), 0)} events, ${spread(runs.map((r) => r.events / Math.max(1, r.attempts)), 1)} per attempt, ` +
          `${spread(runs.map((r) => r.bytes / r.events), 0)} bytes per event)`,
      );
    }
  } finally {
    await redis.stop();
  }
}
