// The runs bench/overhead.bench.ts compares: bare `claude -p` processes and `orch run`
// (dist/cli.js, as users run it) against the scripted model in a process of its own, each run
// under `sh` so that the CPU of everything it waited for (the CLI, git, Orch) is counted.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gitOk } from '../../src/orchestrator/engine/git';
import { CLAUDE_BIN, claudeEnv } from '../../test/support/claude-harness';
import { prd, setGitIdentity } from '../../test/support/engine-fixture';

const ROOT = resolve(__dirname, '../..');
// ORCH_BENCH_CLI: another build's dist/cli.js, to compare it with this one on the same machine.
export const CLI = process.env.ORCH_BENCH_CLI ?? join(ROOT, 'dist/cli.js');
const ROADMAP = '# Bench\n\n## Phase 1: Only\n\n### Milestone 1.1: All\n**Focus:** bench\n';

export interface ModelProcess {
  /** Answers at once. */
  readonly url: string;
  /** Waits `slowMs` before each answer: a task of a few seconds. */
  readonly slowUrl: string;
  readonly child: ChildProcess;
}

/** Both scripted models in one process of their own, so their work is not the bench's. */
export async function startModelProcess(dir: string, slowMs: number): Promise<ModelProcess> {
  const script = join(dir, 'model.ts');
  writeFileSync(
    script,
    `import { startScriptedModel } from ${JSON.stringify(join(ROOT, 'src/scripted-model/server'))};
import { slow, writeTool, type Scenario } from ${JSON.stringify(join(ROOT, 'src/scripted-model/scenarios'))};
import { textReply } from ${JSON.stringify(join(ROOT, 'src/scripted-model/reply'))};
import { turnsSinceLastInstruction } from ${JSON.stringify(join(ROOT, 'src/cli/demo/demo-scenario'))};
// Each task writes the file its prompt names, then says so: a change of its own to commit and merge.
const task: Scenario = (request, context) => {
  const file = /Create (out-T\\d+\\.txt)/.exec(request.userText)?.[1] ?? 'out.txt';
  return turnsSinceLastInstruction(request) > 0 ? textReply('Wrote ' + file + '.') : writeTool(file, 'bench ' + file + '\\n')(request, context);
};
void Promise.all([
  startScriptedModel({ scenario: task, unref: false, idleTimeoutMs: 0 }),
  startScriptedModel({ scenario: slow(${slowMs}, task), unref: false, idleTimeoutMs: 0 }),
]).then(([fast, slowed]) => console.log(fast.url + ' ' + slowed.url));\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((done) => createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', done));
  const [url, slowUrl] = line.split(' ') as [string, string];
  return { url, slowUrl, child };
}

async function gitRepo(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  await gitOk(dir, ['init', '-q', '-b', 'main']);
  await setGitIdentity(dir);
  await gitOk(dir, ['add', '-A']);
  await gitOk(dir, ['commit', '-q', '-m', 'bench']);
}

interface Timed {
  readonly code: number | null;
  /** User + system CPU of every process the command waited for, the command included. */
  readonly cpuMs: number;
  readonly child: ChildProcess;
}

// `times` prints the shell's own times, then its children's: the second pair is the command's.
const TIMED = ['-c', '"$@"; code=$?; times >&3; exit $code', 'sh'];

function timedSpawn(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; stdin?: string }, onLine?: (line: string) => void): { child: ChildProcess; done: Promise<Timed> } {
  const child = spawn('/bin/sh', [...TIMED, command, ...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', onLine === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
  child.stdin?.end(options.stdin ?? '');
  if (onLine !== undefined && child.stdout !== null) createInterface({ input: child.stdout }).on('line', onLine);
  let times = '';
  (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: string) => (times += c));
  const done = new Promise<Timed>((ok, fail) => {
    child.once('error', fail);
    child.once('close', (code) => {
      const seconds = [...times.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      ok({ code, cpuMs: ((seconds[2] ?? Number.NaN) + (seconds[3] ?? Number.NaN)) * 1000, child });
    });
  });
  return { child, done };
}

export interface BareRun {
  /** Spawn to the CLI's system/init line. */
  readonly initMs: number;
  /** System/init to the process's end. */
  readonly workMs: number;
  readonly totalMs: number;
  readonly cpuMs: number;
}

/** One bare `claude -p` with the flags Orch uses minus Orch's own (system prompt file, MCP, session, budget). */
async function bareClaude(url: string, cwd: string, home: string, file: string): Promise<BareRun> {
  const t0 = performance.now();
  let initMs = Number.NaN;
  const { done } = timedSpawn(
    CLAUDE_BIN,
    ['-p', '--output-format', 'stream-json', '--verbose', '--include-partial-messages', '--model', 'sonnet', '--permission-mode', 'acceptEdits', '--allowedTools', 'Read', 'Write', 'Edit', 'Bash'],
    { cwd, env: claudeEnv(url, home), stdin: `Create ${file}.` },
    (line) => {
      if (Number.isNaN(initMs) && line.includes('"subtype":"init"')) initMs = performance.now() - t0;
    },
  );
  const { code, cpuMs } = await done;
  const totalMs = performance.now() - t0;
  if (code !== 0) throw new Error(`bare claude exited ${code}`);
  return { initMs, workMs: totalMs - initMs, totalMs, cpuMs };
}

export interface BareBatch {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly runs: readonly BareRun[];
}

export async function bareBatch(url: string, root: string, tasks: number, parallel: boolean): Promise<BareBatch> {
  const dirs: string[] = [];
  for (let i = 0; i < tasks; i++) {
    const cwd = mkdtempSync(join(root, 'bare-'));
    await gitRepo(cwd, { 'README.md': 'bench\n' });
    dirs.push(cwd);
  }
  const home = join(root, 'home');
  const t0 = performance.now();
  const runs: BareRun[] = [];
  if (parallel) runs.push(...(await Promise.all(dirs.map((d, i) => bareClaude(url, d, home, `out-T${i + 1}.txt`)))));
  else for (const [i, d] of dirs.entries()) runs.push(await bareClaude(url, d, home, `out-T${i + 1}.txt`));
  return { wallMs: performance.now() - t0, cpuMs: runs.reduce((sum, r) => sum + r.cpuMs, 0), runs };
}

export interface OrchRun {
  readonly wallMs: number;
  /** The whole run: Orch, the claude CLIs and git. */
  readonly cpuMs: number;
  /** Orch's own process, module loading included. */
  readonly ownCpuMs: number;
  /** Spawn of `orch run` to its first attempt.started. */
  readonly startupMs: number;
  /** attempt.started to the CLI's init, per attempt. */
  readonly initMs: readonly number[];
  /** init to attempt.finished (the CLI's work, then its exit as Orch sees it), per attempt. */
  readonly workMs: readonly number[];
  /** attempt.finished to task.verified: commit, checks, merge. */
  readonly verifyMs: readonly number[];
  /** task.verified to the next attempt.started: the next dispatch (one at a time only). */
  readonly dispatchMs: readonly number[];
  /** The last task.verified to the process's end. */
  readonly shutdownMs: number;
  /** Attempts whose CLI was started ahead, while their task waited for a slot (their init says `warm`). */
  readonly warmAttempts: number;
  readonly attempts: number;
}

interface LoggedEvent {
  readonly type: string;
  readonly at: string;
  readonly attemptId?: string;
  readonly taskId?: string;
  readonly activity?: { readonly kind: string; readonly warm?: true };
}

/** A `--claude-path` that runs the CLI as its child and adds the CPU of each run (the CLI and
 * the processes it waited for) to a file, so that an Orch run's CPU can be split between its CLIs
 * and the rest. Not an `exec`: the shell stays to read the times, at about 1 ms of CPU a run. */
export interface TimedClaude {
  readonly path: string;
  /** CPU ms of each CLI run since the last call (the preflight's `--version` is not counted). */
  take(): number[];
}

export function timedClaude(root: string): TimedClaude {
  const path = join(root, 'timed-claude.sh');
  const log = join(root, 'timed-claude.log');
  writeFileSync(log, '');
  writeFileSync(
    path,
    `#!/bin/sh\nif [ "$1" = --version ]; then exec ${JSON.stringify(CLAUDE_BIN)} "$@"; fi\n${JSON.stringify(CLAUDE_BIN)} "$@"\ncode=$?\ntimes >> ${JSON.stringify(log)}\nexit $code\n`,
    { mode: 0o755 },
  );
  return {
    path,
    take() {
      const lines = readFileSync(log, 'utf8').trim().split('\n').filter((l) => l !== '');
      writeFileSync(log, '');
      // `times` prints the shell's own times, then its children's (not in a pipe: a subshell's are its own).
      return lines.filter((_, i) => i % 2 === 1).map((l) => [...l.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0));
    },
  };
}

/** `orch run` as users run it (`node dist/cli.js`, after `npm run build`). */
export async function orchBatch(url: string, root: string, tasks: number, parallel: number, cli = CLI, claudePath = CLAUDE_BIN): Promise<OrchRun> {
  const ws = mkdtempSync(join(root, 'ws-'));
  // One HOME for the whole bench, as a user has: what Orch caches per user (the claude --version check) counts.
  const home = join(root, 'home');
  const list = Array.from({ length: tasks }, (_, i) => ({ id: `T${i + 1}`, file: `out-T${i + 1}.txt` }));
  await gitRepo(ws, { 'roadmap.md': ROADMAP, 'prds/PRD-1.md': prd('PRD-1', list) });
  const report = join(root, `cpu-${parallel}-${Date.now()}.json`);
  const preload = join(root, 'cpu-preload.cjs');
  writeFileSync(preload, `process.on('exit', () => { const c = process.cpuUsage(); require('fs').writeFileSync(process.env.ORCH_BENCH_CPU_REPORT, String((c.user + c.system) / 1000)); });\n`);
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const { done } = timedSpawn(process.execPath, ['--require', preload, cli, 'run', 'roadmap.md', '--workspace', ws, '--parallel', String(parallel), '--no-dashboard', '--claude-path', claudePath], {
    cwd: ws,
    env: { ...claudeEnv(url, home), ORCH_BENCH_CPU_REPORT: report },
  });
  const { code, cpuMs } = await done;
  const wallMs = performance.now() - t0;
  const endedAt = Date.now();
  if (code !== 0) throw new Error(`orch run exited ${String(code)}`);
  const runsDir = join(ws, '.orch', 'runs');
  const [runId] = readdirSync(runsDir);
  const events = readFileSync(join(runsDir, runId ?? '', 'events.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as LoggedEvent);
  const at = (e: LoggedEvent) => Date.parse(e.at);
  const started = new Map<string, number>();
  const inits = new Map<string, number>();
  const finishedAt = new Map<string, number>();
  const initMs: number[] = [];
  const workMs: number[] = [];
  const verifyMs: number[] = [];
  const dispatchMs: number[] = [];
  let lastVerified: number | undefined;
  let warmAttempts = 0;
  for (const e of events) {
    const attempt = e.attemptId;
    if (e.type === 'attempt.started' && attempt !== undefined) {
      started.set(attempt, at(e));
      if (parallel === 1 && lastVerified !== undefined) dispatchMs.push(at(e) - lastVerified);
    }
    if (e.type === 'attempt.activity' && e.activity?.kind === 'init' && attempt !== undefined && !inits.has(attempt)) {
      inits.set(attempt, at(e));
      if (e.activity.warm === true) warmAttempts += 1;
      initMs.push(at(e) - (started.get(attempt) ?? Number.NaN));
    }
    if (e.type === 'attempt.finished' && attempt !== undefined) {
      workMs.push(at(e) - (inits.get(attempt) ?? Number.NaN));
      finishedAt.set(attempt.split('#')[0] ?? '', at(e));
    }
    if (e.type === 'task.verified' && e.taskId !== undefined) {
      verifyMs.push(at(e) - (finishedAt.get(e.taskId) ?? Number.NaN));
      lastVerified = at(e);
    }
  }
  const firstDispatch = events.find((e) => e.type === 'attempt.started');
  return {
    wallMs,
    cpuMs,
    ownCpuMs: Number(readFileSync(report, 'utf8')),
    startupMs: (firstDispatch === undefined ? Number.NaN : at(firstDispatch)) - spawnedAt,
    initMs,
    workMs,
    verifyMs,
    dispatchMs,
    shutdownMs: endedAt - (lastVerified ?? Number.NaN),
    warmAttempts,
    attempts: started.size,
  };
}
