// One `orch run` of the simulated world, as users run it (`node dist/cli.js`, the real claude
// CLI, the scripted model in this process), in a workspace that keeps its `.orch/` from one
// run to the next: what Orch learned in earlier runs is there for the next one.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gitOk } from '../../src/orchestrator/engine/git';
import type { OrchEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { startScriptedModel } from '../../src/scripted-model/server';
import { CLAUDE_BIN, claudeEnv } from '../../test/support/claude-harness';
import { setGitIdentity } from '../../test/support/engine-fixture';
import { WORLD_ROADMAP, worldPrd, type WorldTask } from './world';
import { worldScenario, type StormWindow } from './world-scenario';

/** A count a world bench reads from its environment (at least 1), with its default. */
export function envCount(name: string, fallback: number): number {
  return Math.max(1, Number(process.env[name] ?? fallback));
}

const ROOT = resolve(__dirname, '../..');
export const CLI = process.env.ORCH_BENCH_CLI ?? join(ROOT, 'dist/cli.js');

export interface TaskOutcome {
  readonly id: string;
  readonly verified: boolean;
  /** First attempt started to task verified (or to its last attempt's end when not verified). */
  readonly wallMs: number;
  /** Its attempts' own durations added up (started to finished): what the learning store keeps per task. */
  readonly attemptsMs: number;
  readonly costUsd: number;
  readonly attempts: number;
  /** Its first attempt did not pass verification, or it never verified. */
  readonly firstPassFailed: boolean;
  readonly models: readonly string[];
}

export interface WorldRun {
  readonly exitCode: number | null;
  readonly wallMs: number;
  readonly snapshot: RunSnapshot;
  readonly tasks: readonly TaskOutcome[];
  readonly costUsd: number;
  readonly verified: number;
  readonly defects: number;
  readonly attempts: number;
  readonly failedAttempts: number;
  /** Tries of the CLI inside attempts that Orch's retry policy started again (after a 429, 529, crash...). */
  readonly retries: number;
  readonly rateLimitedCalls: number;
  /** The engine's adaptation decisions (run.adapted), by kind. */
  readonly adaptations: Readonly<Record<string, number>>;
  readonly events: readonly OrchEvent[];
}

/** A git repository holding the world's roadmap; `.orch/config.json` when `config` is given. */
export async function worldWorkspace(dir: string, tasks: readonly WorldTask[], config?: Readonly<Record<string, unknown>>): Promise<string> {
  const ws = join(dir, 'ws');
  mkdirSync(join(ws, 'prds'), { recursive: true });
  writeFileSync(join(ws, 'README.md'), 'world\n');
  writeFileSync(join(ws, 'roadmap.md'), WORLD_ROADMAP);
  writeFileSync(join(ws, 'prds', 'PRD-1.md'), worldPrd(tasks));
  writeFileSync(join(ws, '.gitignore'), '.orch/\n');
  await gitOk(ws, ['init', '-q', '-b', 'main']);
  await setGitIdentity(ws);
  await gitOk(ws, ['add', '-A']);
  await gitOk(ws, ['commit', '-q', '-m', 'world']);
  if (config !== undefined) {
    mkdirSync(join(ws, '.orch'), { recursive: true });
    writeFileSync(join(ws, '.orch', 'config.json'), JSON.stringify(config, null, 2));
  }
  mkdirSync(join(dir, 'home'), { recursive: true });
  return ws;
}

function runIds(ws: string): string[] {
  const dir = join(ws, '.orch', 'runs');
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** `orch <args>` in `ws` with the scripted model's environment; stdout and the exit code. */
export function orch(ws: string, args: readonly string[], env: Readonly<Record<string, string>>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

export async function runWorld(options: {
  readonly ws: string;
  readonly tasks: readonly WorldTask[];
  readonly luck: string;
  readonly parallel: number;
  readonly storm?: StormWindow;
  readonly extraArgs?: readonly string[];
}): Promise<WorldRun> {
  const world = worldScenario(options.tasks, options.luck, options.storm);
  const model = await startScriptedModel({ scenario: world.scenario, unref: false, idleTimeoutMs: 0 });
  const before = new Set(runIds(options.ws));
  try {
    const env = claudeEnv(model.url, join(options.ws, '..', 'home'));
    const started = performance.now();
    const result = await orch(
      options.ws,
      ['run', 'roadmap.md', '--workspace', options.ws, '--parallel', String(options.parallel), '--no-dashboard', '--claude-path', CLAUDE_BIN, ...(options.extraArgs ?? [])],
      env,
    );
    const wallMs = performance.now() - started;
    const runId = runIds(options.ws).find((id) => !before.has(id));
    if (runId === undefined) throw new Error(`orch run exited ${String(result.code)} without a run: ${result.stderr.slice(-2000)}`);
    const events = readFileSync(join(options.ws, '.orch', 'runs', runId, 'events.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as OrchEvent);
    const snapshot = foldEvents(events);
    if (snapshot === undefined) throw new Error(`run ${runId} has no events`);
    return summarise(result.code, wallMs, snapshot, events, world.rateLimited());
  } finally {
    await model.close();
  }
}

function summarise(exitCode: number | null, wallMs: number, snapshot: RunSnapshot, events: readonly OrchEvent[], rateLimitedCalls: number): WorldRun {
  const verifiedAt = new Map<string, number>();
  for (const e of events) if (e.type === 'task.verified') verifiedAt.set(e.taskId, Date.parse(e.at));
  const tasks: TaskOutcome[] = Object.values(snapshot.tasks).map((t) => {
    const attempts = t.attempts.map((id) => snapshot.attempts[id]).filter((a) => a !== undefined);
    const first = attempts[0];
    const start = first === undefined ? Number.NaN : Date.parse(first.startedAt);
    const lastEnd = Math.max(...attempts.map((a) => Date.parse(a.finishedAt ?? a.startedAt)));
    const verified = t.state === 'verified';
    return {
      id: t.id,
      verified,
      wallMs: (verifiedAt.get(`${t.prdId}/${t.id}`) ?? verifiedAt.get(t.id) ?? lastEnd) - start,
      attemptsMs: attempts.reduce((sum, a) => sum + Math.max(0, Date.parse(a.finishedAt ?? a.startedAt) - Date.parse(a.startedAt)), 0),
      costUsd: t.costUsd,
      attempts: attempts.length,
      firstPassFailed: !verified || attempts.length > 1,
      models: attempts.map((a) => a.model),
    };
  });
  const attempts = Object.values(snapshot.attempts);
  const adaptations: Record<string, number> = {};
  for (const e of events) if (e.type === 'run.adapted') adaptations[e.kind] = (adaptations[e.kind] ?? 0) + 1;
  return {
    exitCode,
    wallMs,
    snapshot,
    tasks,
    costUsd: snapshot.costUsd,
    verified: tasks.filter((t) => t.verified).length,
    defects: Object.keys(snapshot.defects ?? {}).length,
    attempts: attempts.length,
    failedAttempts: attempts.filter((a) => a.state === 'failed').length,
    retries: events.filter((e) => e.type === 'attempt.activity' && e.activity.kind === 'retry').length,
    rateLimitedCalls,
    adaptations,
    events,
  };
}
