import { mkdir } from 'node:fs/promises';
import { appendEvidence } from '../security/evidence-file';
import { join } from 'node:path';
import type { TaskSetupOutcome } from '../../protocol/events';
import type { EventLog } from '../events/event-log';
import type { EngineContext } from '../engine/engine-context';
import { git } from '../engine/git';
import { taskSlug, type TaskWorktree, type Worktrees } from '../engine/worktrees';
import { DepsCache, depsCacheKey, inTurn, installerOf } from './deps-cache';
import { runSetupCommand, type SetupCommandResult } from './setup-command';
import { missingSetupHint } from './setup-hint';
import { copyIncluded, includedPaths, INCLUDE_FILE, readIncludePatterns } from './worktree-include';

interface SetupEnd {
  readonly outcome: TaskSetupOutcome;
  /** Why it failed, in a few words: `exit 1`, `timed out after 600 s`. */
  readonly detail?: string;
  /** The last lines of its output. */
  readonly tail?: string;
}

const hinted = new WeakSet<EventLog>();
// The workspace's ignored files are listed once per run: every worktree gets the same copies.
const includes = new WeakMap<EventLog, Promise<readonly string[]>>();
/**
 * How many of the tasks waiting for a slot get their worktree prepared ahead (the others only
 * made): a setup can be a whole install, and slots free up one at a time.
 */
export const PREPARED_AHEAD = 2;

// Worktrees made and prepared while their tasks wait for a slot, per run.
const ahead = new WeakMap<EventLog, Map<string, Promise<TaskWorktree | undefined>>>();

/**
 * Makes and prepares the task's worktree while the task waits for a slot: its dispatch then
 * finds the folder as its agent gets it, setup done, and a CLI can be started in it ahead. The
 * worktree is undefined when the task cannot start (its setup failed: the task is blocked), or
 * when its dispatch came first and made the worktree itself.
 */
export function prepareAhead(ctx: EngineContext, worktrees: Worktrees, taskId: string): Promise<TaskWorktree | undefined> {
  let tasks = ahead.get(ctx.log);
  if (tasks === undefined) {
    tasks = new Map();
    ahead.set(ctx.log, tasks);
  }
  let prepared = tasks.get(taskId);
  if (prepared === undefined) {
    prepared = worktrees.prefetch(taskId).then(async (made) => (made === undefined || (await prepareMade(ctx, taskId, made, true)) === undefined ? undefined : made));
    // Its error, if any, is the dispatch's to see: it awaits this same promise.
    prepared.catch(() => undefined);
    tasks.set(taskId, prepared);
  }
  return prepared;
}

/**
 * Waits for the preparations ahead still running (a setup takes as long as it takes): none of
 * their events may follow the run's last word, and no folder may go while a setup runs in it.
 */
export async function settleAhead(ctx: EngineContext): Promise<void> {
  await Promise.allSettled([...(ahead.get(ctx.log)?.values() ?? [])]);
}

/**
 * The folder the task's agent works in, made ready first: `.worktreeinclude` files copied and
 * `worktree.setup` run, once per new worktree (a resumed worktree whose setup succeeded is used
 * as it is). Undefined when the task cannot start: its setup failed (the task is blocked, no
 * model is called) or the run was cancelled meanwhile.
 */
export async function prepareTaskWorktree(ctx: EngineContext, taskId: string): Promise<string | undefined> {
  if (ctx.worktrees === undefined) return ctx.paths.root;
  const tasks = ahead.get(ctx.log);
  const early = tasks?.get(taskId);
  tasks?.delete(taskId);
  // Prepared ahead, or being prepared: its outcome is this dispatch's. One still queued is
  // dropped by `obtain`, which makes the worktree now, and prepared here.
  if (early !== undefined && ctx.worktrees.prefetchStarted(taskId)) {
    const made = await early;
    if (made === undefined) return undefined;
    await ctx.worktrees.obtain(taskId);
    return made.dir;
  }
  return prepareMade(ctx, taskId, await ctx.worktrees.obtain(taskId));
}

async function prepareMade(ctx: EngineContext, taskId: string, { dir, created }: TaskWorktree, ahead = false): Promise<string | undefined> {
  const previous = ctx.state().tasks[taskId]?.setup;
  if (!created && (previous?.outcome === 'succeeded' || previous?.outcome === 'reused')) return dir;
  const command = ctx.config.worktree.setup;
  const included = await includedOnce(ctx);
  if (command === undefined && included.length === 0) {
    await hintOnce(ctx, dir);
    return dir;
  }
  const started = Date.now();
  const evidencePath = join(ctx.paths.evidenceDir(ctx.runId), `${taskSlug(taskId)}-setup.log`);
  const log: string[] = [`# ${new Date(started).toISOString()} worktree ${dir}`];
  let end: SetupEnd = { outcome: 'succeeded' };
  try {
    if (included.length > 0) {
      await copyIncluded(ctx.paths.root, dir, included, ctx.signal);
      await ctx.worktrees?.keepOutOfCommits(taskId, included);
      log.push(`# copied from ${INCLUDE_FILE}: ${included.join(', ')}`);
    }
    if (command !== undefined) {
      const before = await untracked(dir);
      end = await setUp(ctx, taskId, dir, command, log);
      const made = (await untracked(dir)).filter((p) => !before.includes(p));
      await ctx.worktrees?.keepOutOfCommits(taskId, made);
    }
  } catch (error) {
    end = ctx.signal.aborted ? { outcome: 'cancelled' } : { outcome: 'failed', detail: (error as Error).message };
    log.push(`# ${end.detail ?? 'cancelled'}`);
  }
  await mkdir(ctx.paths.evidenceDir(ctx.runId), { recursive: true });
  // Appended: a setup run again on resume keeps the output of the one that failed before it.
  await appendEvidence(evidencePath, `${log.join('\n')}\n\n`, ctx.redact);
  const detail = end.detail === undefined ? undefined : [end.detail, end.tail].filter((l) => l !== undefined && l !== '').join('\n');
  await ctx.log.append({ type: 'task.setup.finished', taskId, command, outcome: end.outcome, durationMs: Date.now() - started, evidencePath, included: included.length, detail, ...(ahead ? { ahead: true as const } : {}) });
  if (end.outcome === 'cancelled') return undefined;
  if (end.outcome === 'failed') {
    const what = command === undefined ? 'worktree setup' : `worktree setup \`${command}\``;
    const tail = end.tail === undefined || end.tail === '' ? '' : `:\n${end.tail}`;
    await ctx.log.append({ type: 'task.blocked', taskId, environment: true, reason: `${what} failed (${end.detail ?? 'unknown'}); its output is in ${evidencePath}${tail}` });
    return undefined;
  }
  if (command === undefined) await hintOnce(ctx, dir);
  return dir;
}

/** Runs the command, or copies the node_modules an identical install left in the cache. */
async function setUp(ctx: EngineContext, taskId: string, dir: string, command: string, log: string[]): Promise<SetupEnd> {
  const installer = installerOf(command);
  const key = installer === undefined ? undefined : await depsCacheKey(dir, installer);
  if (key?.ok !== true) {
    if (key !== undefined) log.push(`# not cached: ${key.why}`);
    return ran(await run(ctx, taskId, dir, command, log), log);
  }
  const cache = new DepsCache(join(ctx.paths.orchDir, 'cache', 'deps'));
  return inTurn(cache.entry(key.key), async () => {
    if (cache.has(key.key)) {
      // A copy that fails (a full disk, a damaged cache entry) is no reason to block: install.
      const restored = await cache.restore(key.key, dir, ctx.signal).then(() => true, (error: unknown) => (error as Error).message);
      if (restored === true) {
        log.push(`# reused node_modules from ${cache.entry(key.key)} (same ${key.lockfile}, package.json and command); \`${command}\` did not run`);
        return { outcome: 'reused' };
      }
      log.push(`# could not reuse ${cache.entry(key.key)}: ${restored}`);
      if (ctx.signal.aborted) return { outcome: 'cancelled' };
      return ran(await run(ctx, taskId, dir, command, log), log);
    }
    const end = ran(await run(ctx, taskId, dir, command, log), log);
    if (end.outcome === 'succeeded') {
      // A cache that cannot be written costs later worktrees time, never this task its setup.
      const stored = await cache.store(key.key, dir, { command, lockfile: key.lockfile, from: taskId, runId: ctx.runId }, ctx.signal).catch((error: unknown) => (error as Error).message);
      log.push(stored === true ? `# node_modules kept in ${cache.entry(key.key)} for later worktrees` : `# node_modules not kept: ${stored === false ? 'none installed, or already cached' : stored}`);
    }
    return end;
  });
}

function run(ctx: EngineContext, taskId: string, dir: string, command: string, log: string[]): Promise<SetupCommandResult> {
  log.push(`$ ${command}`);
  const marker = `ORCH_SETUP_ID=${ctx.runId}/${taskSlug(taskId)}`;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...ctx.env })) if (value !== undefined) env[name] = value;
  Object.assign(env, { ORCH_RUN_ID: ctx.runId, ORCH_SETUP_ID: marker.slice('ORCH_SETUP_ID='.length) });
  return runSetupCommand({ command, cwd: dir, env, marker, timeoutSec: ctx.config.worktree.setupTimeoutSec, signal: ctx.signal });
}

function ran(result: SetupCommandResult, log: string[]): SetupEnd {
  log.push(result.output.trimEnd(), `# exit ${result.code ?? result.signal} after ${result.durationMs} ms${result.timedOut ? ' (timed out)' : ''}`);
  if (result.cancelled) return { outcome: 'cancelled' };
  const tail = result.output.trimEnd().split('\n').slice(-5).join('\n');
  if (result.timedOut) return { outcome: 'failed', detail: `timed out after ${Math.round(result.durationMs / 1000)} s`, tail };
  if (result.code !== 0) return { outcome: 'failed', detail: `exit ${result.code ?? result.signal}`, tail };
  return { outcome: 'succeeded' };
}

function includedOnce(ctx: EngineContext): Promise<readonly string[]> {
  let listed = includes.get(ctx.log);
  if (listed === undefined) {
    listed = readIncludePatterns(ctx.paths.root).then((patterns) => (patterns === undefined ? [] : includedPaths(ctx.paths.root, patterns)));
    includes.set(ctx.log, listed);
  }
  return listed;
}

/** Untracked paths git would commit (not ignored), folders whole. */
async function untracked(dir: string): Promise<string[]> {
  const listed = await git(dir, ['ls-files', '-z', '--others', '--exclude-standard', '--directory']);
  return listed.stdout.split('\0').filter((p) => p.length > 0).map((p) => p.replace(/\/$/, ''));
}

// Once per run: a project whose dependencies are missing from its worktrees fails checks such as
// `npm test` for that alone, and reworks cannot help.
async function hintOnce(ctx: EngineContext, dir: string): Promise<void> {
  if (ctx.config.worktree.setup !== undefined || hinted.has(ctx.log)) return;
  const hint = missingSetupHint(dir);
  if (hint === undefined) return;
  hinted.add(ctx.log);
  if (!ctx.state().warnings.includes(hint)) await ctx.log.append({ type: 'warning.raised', message: hint });
}
