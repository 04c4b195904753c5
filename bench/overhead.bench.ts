// What Orch adds to the claude CLI: the same 6 one-file tasks as 6 bare `claude -p` runs and as
// `orch run` (real CLI, real git worktrees, the scripted model in a process of its own), one at a
// time and 6 at once, repeated; dispatch to the CLI's `system/init` for both; Orch's CPU per
// attempt; and `orch` start-up (command to first dispatch, from its event log). Times dist/cli.js.
// bench/overhead-git.bench.ts (the 200 stand-in tasks) runs under the same name: `npm run bench overhead`.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gitOk } from '../src/orchestrator/engine/git';
import { CLAUDE_BIN, claudeEnv } from '../test/support/claude-harness';
import { prd, setGitIdentity } from '../test/support/engine-fixture';
import { percentile } from './stats';

const ROOT = resolve(__dirname, '..');
const TASKS = 6;
const REPS = Number(process.env.OVERHEAD_BENCH_REPS ?? 3);
const CLI = join(ROOT, 'dist/cli.js');

const ROADMAP = '# Bench\n\n## Phase 1: Only\n\n### Milestone 1.1: All\n**Focus:** bench\n';

async function startModelProcess(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const script = join(dir, 'model.ts');
  writeFileSync(
    script,
    `import { startScriptedModel } from ${JSON.stringify(join(ROOT, 'src/scripted-model/server'))};
import { writeFile } from ${JSON.stringify(join(ROOT, 'src/scripted-model/scenarios'))};
void startScriptedModel({ scenario: writeFile('out.txt', 'bench\\n'), unref: false }).then((s) => console.log(s.url));\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done) => createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', done));
  return { url, child };
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

interface BareRun {
  readonly initMs: number;
  readonly totalMs: number;
}

/** One bare `claude -p` with the flags Orch uses minus Orch's own (system prompt file, MCP, session, budget). */
function bareClaude(url: string, cwd: string, home: string): Promise<BareRun> {
  const t0 = performance.now();
  const child = spawn(
    CLAUDE_BIN,
    ['-p', '--output-format', 'stream-json', '--verbose', '--include-partial-messages', '--model', 'sonnet', '--permission-mode', 'acceptEdits', '--allowedTools', 'Read', 'Write', 'Edit', 'Bash'],
    { cwd, env: claudeEnv(url, home), stdio: ['pipe', 'pipe', 'ignore'] },
  );
  child.stdin.end('Create out.txt.');
  let initMs = Number.NaN;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (Number.isNaN(initMs) && line.includes('"subtype":"init"')) initMs = performance.now() - t0;
  });
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => (code === 0 ? done({ initMs, totalMs: performance.now() - t0 }) : fail(new Error(`bare claude exited ${code}`))));
  });
}

async function bareBatch(url: string, root: string, parallel: boolean): Promise<{ wallMs: number; runs: BareRun[] }> {
  const dirs: string[] = [];
  for (let i = 0; i < TASKS; i++) {
    const cwd = mkdtempSync(join(root, 'bare-'));
    await gitRepo(cwd, { 'README.md': 'bench\n' });
    dirs.push(cwd);
  }
  const home = join(root, 'home');
  const t0 = performance.now();
  const runs: BareRun[] = [];
  if (parallel) runs.push(...(await Promise.all(dirs.map((d) => bareClaude(url, d, home)))));
  else for (const d of dirs) runs.push(await bareClaude(url, d, home));
  return { wallMs: performance.now() - t0, runs };
}

interface OrchRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Spawn of `orch run` to its first attempt.started. */
  readonly startupMs: number;
  readonly initMs: number[];
}

/** `orch run` as users run it (`node dist/cli.js`, after `npm run build`), in a process of its own. */
async function orchBatch(url: string, root: string, parallel: number): Promise<OrchRun> {
  const ws = mkdtempSync(join(root, 'ws-'));
  // One HOME for the whole bench, as a user has: what Orch caches per user (the claude --version check) counts.
  const home = join(root, 'home');
  const tasks = Array.from({ length: TASKS }, (_, i) => ({ id: `T${i + 1}`, file: 'out.txt' }));
  await gitRepo(ws, { 'roadmap.md': ROADMAP, 'prds/PRD-1.md': prd('PRD-1', tasks) });
  // The whole process's CPU, module loading included, written as it exits.
  const report = join(root, `cpu-${parallel}-${Date.now()}.json`);
  const preload = join(root, 'cpu-preload.cjs');
  writeFileSync(preload, `process.on('exit', () => { const c = process.cpuUsage(); require('fs').writeFileSync(${JSON.stringify(report)}, String((c.user + c.system) / 1000)); });\n`);
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--require', preload, CLI, 'run', 'roadmap.md', '--workspace', ws, '--parallel', String(parallel), '--no-dashboard', '--claude-path', CLAUDE_BIN],
    { cwd: ws, env: claudeEnv(url, home), stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const code = await new Promise((done) => child.once('close', done));
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`orch run exited ${String(code)}`);
  const cpuMs = Number(readFileSync(report, 'utf8'));
  const runsDir = join(ws, '.orch', 'runs');
  const [runId] = readdirSync(runsDir);
  const events = readFileSync(join(runsDir, runId ?? '', 'events.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; at: string; attemptId?: string; activity?: { kind: string } });
  const started = new Map<string, number>();
  const initMs: number[] = [];
  for (const e of events) {
    if (e.type === 'attempt.started' && e.attemptId !== undefined) started.set(e.attemptId, Date.parse(e.at));
    if (e.type === 'attempt.activity' && e.activity?.kind === 'init' && e.attemptId !== undefined && started.has(e.attemptId)) {
      initMs.push(Date.parse(e.at) - (started.get(e.attemptId) ?? 0));
      started.delete(e.attemptId);
    }
  }
  const firstDispatch = events.find((e) => e.type === 'attempt.started');
  return { wallMs, cpuMs, startupMs: Date.parse(firstDispatch?.at ?? '') - spawnedAt, initMs };
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

function spread(values: readonly number[]): string {
  return `median ${ms(percentile(values, 50)).padStart(9)}  min ${ms(Math.min(...values)).padStart(9)}  max ${ms(Math.max(...values)).padStart(9)}`;
}

function line(label: string, values: readonly number[]): void {
  console.log(`${label.padEnd(44)} ${spread(values)}`);
}

export async function bench(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (the bench times orch as users run it)`);
  const root = mkdtempSync(join(tmpdir(), 'orch-overhead-bench-'));
  const model = await startModelProcess(root);
  mkdirSync(join(root, 'home'));
  try {
    await bareBatch(model.url, root, false); // warm the page cache: the binary is 245 MB
    await orchBatch(model.url, root, TASKS); // and Orch's first start in this HOME
    const bare = { seq: [] as number[], par: [] as number[], init: [] as number[] };
    const orch = { seq: [] as number[], par: [] as number[], init: [] as number[], cpu: [] as number[], startup: [] as number[] };
    for (let r = 0; r < REPS; r++) {
      // Interleaved, so a slow spell of the machine hits both sides.
      const bs = await bareBatch(model.url, root, false);
      const os = await orchBatch(model.url, root, 1);
      const bp = await bareBatch(model.url, root, true);
      const op = await orchBatch(model.url, root, TASKS);
      bare.seq.push(bs.wallMs);
      bare.par.push(bp.wallMs);
      bare.init.push(...bs.runs.map((x) => x.initMs));
      orch.seq.push(os.wallMs);
      orch.par.push(op.wallMs);
      orch.init.push(...os.initMs);
      orch.cpu.push(os.cpuMs / TASKS, op.cpuMs / TASKS);
      orch.startup.push(os.startupMs, op.startupMs);
    }
    console.log(`\n${TASKS} one-file tasks (one Write turn + one text turn), real claude CLI, x ${REPS} repetitions`);
    line(`bare claude -p, one at a time (${TASKS} tasks)`, bare.seq);
    line(`orch run --parallel 1 (${TASKS} tasks)`, orch.seq);
    line(`bare claude -p, ${TASKS} at once`, bare.par);
    line(`orch run --parallel ${TASKS}`, orch.par);
    line('Orch overhead per task, one at a time', orch.seq.map((o, i) => (o - (bare.seq[i] ?? 0)) / TASKS));
    line(`Orch overhead per task, ${TASKS} at once`, orch.par.map((o, i) => (o - (bare.par[i] ?? 0)) / TASKS));
    console.log(`${'parallel ratio (one at a time / at once)'.padEnd(44)} bare ${(percentile(bare.seq, 50) / percentile(bare.par, 50)).toFixed(2)}x   orch ${(percentile(orch.seq, 50) / percentile(orch.par, 50)).toFixed(2)}x`);
    line('dispatch -> init, bare (spawn -> system/init)', bare.init);
    line('dispatch -> init, Orch (attempt.started -> init)', orch.init);
    line('Orch CPU per attempt (whole process / tasks)', orch.cpu);
    line('orch run spawned -> first attempt.started', orch.startup);
    console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`);
  } finally {
    model.child.kill();
    rmSync(root, { recursive: true, force: true });
  }
}
