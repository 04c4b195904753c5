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
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { percentile } from './stats';

const ROOT = resolve(__dirname, '..');
const STAND_IN = join(ROOT, 'bench/support/stand-in-cli.mjs');
const TSX_LOADER = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const MAIN = join(ROOT, 'src/cli/main.ts');

const TASKS = Number(process.env.ORCH_BENCH_SCALE_TASKS ?? 48);
const REPEAT = Number(process.env.ORCH_BENCH_SCALE_REPEAT ?? 3);
const WORKERS = (process.env.ORCH_BENCH_SCALE_WORKERS ?? '1,2,4').split(',').map(Number);
const SLOTS = Number(process.env.ORCH_BENCH_SCALE_SLOTS ?? 4);
const PACE_MS = Number(process.env.ORCH_BENCH_SCALE_PACE_MS ?? 200);
const STEPS = Number(process.env.ORCH_BENCH_SCALE_STEPS ?? 5);

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
  /** The largest peak resident memory of a worker process (its own, not its agents'), in MB. */
  readonly workerPeakMb: number;
}

function peakRssMb(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
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
    const workerPeakMb = Math.max(...started.map((w) => peakRssMb(w.child.pid)));
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
      workerPeakMb,
    };
  } finally {
    running = false;
    await Promise.all(started.map(stopWorker));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The measured sizes the capacity doc (docs/scale.md) scales up: a brief, an activity event. */
const BRIEF_BYTES = Number(process.env.ORCH_BENCH_SCALE_BRIEF_BYTES ?? 3000);
const ACTIVITY_BYTES = 480;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** Redis memory per waiting BullMQ job (a job as the coordinator enqueues one) and per stream entry. */
async function redisSizing(server: RedisServer): Promise<void> {
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const queue = new Queue('orch-bench-sizing', { connection: { host: '127.0.0.1', port: server.port } });
  try {
    const jobs = 1000;
    const before = await usedMemory(redis);
    const brief = 'x'.repeat(BRIEF_BYTES);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < jobs; i++) {
      await queue.add('attempt', { runId: '20261202T040000-abcdef', taskId: `PRD-${i}/T1`, attemptId: `PRD-${i}/T1#1`, agent: 'backend-engineer', model: 'sonnet', prompt: brief, limits: { attemptTimeoutSec: 1800, inactivityTimeoutSec: 300, budgetUsd: 5 }, commit: 'f'.repeat(40), remote: '/srv/orch/remote.git' }, { jobId: `PRD-${i}/T1#1`.replace(/[/#]/g, '-') });
    }
    const addMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const perJob = ((await usedMemory(redis)) - before) / jobs;
    const entries = 10_000;
    const beforeStream = await usedMemory(redis);
    const activity = JSON.stringify({ type: 'attempt.activity', attemptId: 'PRD-1/T1#1', activity: { kind: 'text', text: 'y'.repeat(ACTIVITY_BYTES - 120) } });
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < entries; i++) await redis.xadd('orch-bench-events', '*', 'e', activity);
    const xaddMs = Number(process.hrtime.bigint() - t1) / 1e6;
    const perEntry = ((await usedMemory(redis)) - beforeStream) / entries;
    console.log(
      `redis sizing: a waiting BullMQ job with a ${BRIEF_BYTES}-byte brief takes ${(perJob / 1024).toFixed(1)} KiB of Redis memory (${jobs} jobs, ${(addMs / jobs).toFixed(2)} ms per add, one at a time); ` +
        `a ${Buffer.byteLength(activity)}-byte event on a Redis stream ${perEntry.toFixed(0)} bytes (${entries} entries, ${((xaddMs * 1000) / entries).toFixed(0)} µs per XADD, one at a time)`,
    );
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.del('orch-bench-events');
    redis.disconnect();
  }
}

/** What one task costs the git remote: a worker fetches, branches, commits and pushes; the coordinator fetches the branch. */
async function gitRemote(tasks: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-scale-git-'));
  try {
    const seed = join(dir, 'seed');
    mkdirSync(join(seed, 'src'), { recursive: true });
    for (let i = 0; i < 200; i++) writeFileSync(join(seed, 'src', `f${i}.txt`), `file ${i}\n`.repeat(20));
    await gitOk(seed, ['init', '-q', '-b', 'main']);
    await setGitIdentity(seed);
    await gitOk(seed, ['add', '-A']);
    await gitOk(seed, ['commit', '-q', '-m', 'seed']);
    const remote = join(dir, 'remote.git');
    await gitOk(dir, ['clone', '-q', '--bare', seed, remote]);
    const worker = join(dir, 'worker');
    const t0 = process.hrtime.bigint();
    await gitOk(dir, ['clone', '-q', remote, worker]);
    const cloneMs = Number(process.hrtime.bigint() - t0) / 1e6;
    await setGitIdentity(worker);
    const times: Record<string, number[]> = { fetch: [], 'worktree at the commit': [], commit: [], push: [], 'coordinator fetch': [] };
    const timed = async (name: string, work: () => Promise<unknown>): Promise<void> => {
      const started = process.hrtime.bigint();
      await work();
      times[name]!.push(Number(process.hrtime.bigint() - started) / 1e6);
    };
    const pushedBytes: number[] = [];
    const packBytes = () => readdirSync(join(remote, 'objects', 'pack')).reduce((n, f) => n + readFileSync(join(remote, 'objects', 'pack', f)).length, 0) + looseBytes(join(remote, 'objects'));
    for (let i = 0; i < tasks; i++) {
      const branch = `orch/bench/PRD-${i}-T1`;
      const wt = join(dir, `wt-${i}`);
      await timed('fetch', () => gitOk(worker, ['fetch', '-q', 'origin', 'main']));
      await timed('worktree at the commit', () => gitOk(worker, ['worktree', 'add', '-q', '-b', branch, wt, 'origin/main']));
      writeFileSync(join(wt, 'src', `f${i}.txt`), `changed by task ${i}\n`.repeat(20));
      writeFileSync(join(wt, `out-${i}.txt`), `written by task ${i}\n`);
      await timed('commit', async () => {
        await gitOk(wt, ['add', '-A']);
        await gitOk(wt, ['commit', '-q', '-m', `task ${i}`]);
      });
      const before = packBytes();
      await timed('push', () => gitOk(wt, ['push', '-q', 'origin', branch]));
      pushedBytes.push(packBytes() - before);
      await timed('coordinator fetch', () => gitOk(seed, ['fetch', '-q', remote, `${branch}:${branch}`]));
      await gitOk(worker, ['worktree', 'remove', '--force', wt]);
    }
    console.log(
      `git remote per task (${tasks} tasks, 200-file repository, a bare remote on local disk): worker clone once ${cloneMs.toFixed(0)} ms; ` +
        `${Object.entries(times).map(([name, xs]) => `${name} ${percentile(xs, 50).toFixed(1)} ms`).join(', ')} (medians); ${percentile(pushedBytes, 50)} bytes added to the remote per push (median)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function looseBytes(objects: string): number {
  let n = 0;
  for (const d of readdirSync(objects)) {
    if (!/^[0-9a-f]{2}$/.test(d)) continue;
    for (const f of readdirSync(join(objects, d))) n += readFileSync(join(objects, d, f)).length;
  }
  return n;
}

const spread = (xs: readonly number[], digits: number) => `${percentile(xs, 50).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

export async function bench(): Promise<void> {
  const redis = await startRedisServer();
  try {
    await redisSizing(redis);
    const gitTasks = Number(process.env.ORCH_BENCH_SCALE_GIT_TASKS ?? 30);
    if (gitTasks > 0) await gitRemote(gitTasks);
    for (const workers of REPEAT > 0 ? WORKERS : []) {
      const runs: OneRun[] = [];
      for (let i = 0; i < REPEAT; i++) runs.push(await oneRun(redis, workers));
      const perSec = runs.map((r) => r.verified / (r.spanMs / 1000));
      const wallPerSec = runs.map((r) => r.verified / (r.wallMs / 1000));
      const cpuPerEvent = runs.map((r) => r.coordinatorCpuMs / r.events);
      const verified = runs.reduce((n, r) => n + r.verified, 0);
      console.log(
        `scale: ${workers} worker(s) x ${SLOTS} slots, ${TASKS} stand-in tasks (${STEPS} turns of ${PACE_MS} ms), ${runs.length} runs: ${verified}/${TASKS * runs.length} verified; ` +
          `throughput ${spread(perSec, 2)} tasks/s placed-to-verified, ${spread(wallPerSec, 2)} tasks/s over the whole coordinator run; ` +
          `coordinator CPU ${spread(cpuPerEvent, 3)} ms per event (${spread(runs.map((r) => r.events), 0)} events, ${spread(runs.map((r) => r.events / Math.max(1, r.attempts)), 1)} per attempt, ` +
          `${spread(runs.map((r) => r.bytes / r.events), 0)} bytes per event); worker process peak RSS ${spread(runs.map((r) => r.workerPeakMb), 0)} MB`,
      );
    }
    console.log(`coordinator (this process) peak RSS over the bench: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await redis.stop();
  }
}
