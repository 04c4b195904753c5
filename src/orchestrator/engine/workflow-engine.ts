import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { freemem } from 'node:os';
import type { RunState } from '../../protocol/domain';
import type { EngineContext } from './engine-context';
import type { Assignment } from './assign-agents';
import { executeTask, PROVIDER_WIDE, type TaskEnd } from './execute-task';
import { WarmNext } from './warm-next';
import { runAttempt } from '../runner/run-attempt';
import { WarmStarts } from '../runner/warm-starts';
import { schedule } from './scheduler';
import { RunRouter } from '../router/run-router';
import { CrossRunHistory } from '../router/cross-run-history';
import { ModelCatalog } from '../router/model-catalog';
import { RunAdapter, withSpreads } from '../adapt/run-adapter';
import type { DurationEstimator } from '../adapt/order-ready';
import { systemClock, type Clock } from '../ports';
import { forecastLive } from '../learning/forecast-hook';
import { learnedDurations } from '../adapt/learned-durations';
import { OrchStore } from '../store/orch-store';
import { formatMoney } from '../../protocol/format-money';
import { prepareAhead, PREPARED_AHEAD, settleAhead } from '../worktree/prepare-task-worktree';
import type { OutcomeRecord } from '../store/outcome-record';

// Measured: one `claude` process peaks at about 310 MB (docs/notes/claude-cli-facts.md).
const CLAUDE_RSS_BYTES = 350 * 1024 * 1024;

export interface EngineOptions {
  /** Upper bound on attempts running at once (before per-agent and memory limits). */
  readonly parallel: number;
  readonly budgetUsd?: number;
  /** Predicted task durations for ordering ready work; absent, the plain order stands. */
  readonly estimateDurationMs?: DurationEstimator;
  readonly clock?: Clock;
  /** Free memory in bytes now (tests simulate pressure through it). */
  readonly freeMemory?: () => number;
}

export type EngineResult = Extract<RunState, 'completed' | 'failed' | 'cancelled' | 'paused'>;

/**
 * Dispatches ready tasks under the governor (global, per-agent, memory), waits for any to end,
 * and repeats until nothing can run. It queues and never rejects: a task that does not fit
 * now simply waits for a slot.
 */
export async function runWorkflow(outer: EngineContext, options: EngineOptions): Promise<EngineResult> {
  // An error in one task (git, the disk) ends the run: the others' agents are stopped and
  // their last events written before the caller closes the log.
  const stop = new AbortController();
  // Every attempt in flight listens for the stop, with its process and its checks: more than
  // Node's default of 10 at parallel 8 and above is expected, not a leak.
  setMaxListeners(Math.max(10, options.parallel * 4), stop.signal);
  const forward = () => stop.abort();
  outer.signal.addEventListener('abort', forward, { once: true });
  const inFlight = new Map<string, Promise<TaskEnd>>();
  // A teammate may take a saturated agent's task (adapt/spread-load.ts): the run's own copy.
  const assignments = withSpreads(outer.assignments, outer.state(), outer.registry);
  try {
    // Started ahead only for the local claude runner: another runner (a queue, a test's) spawns elsewhere or nothing.
    const warmStarts = outer.runners.claude === runAttempt && outer.worktrees !== undefined ? new WarmStarts() : undefined;
    return await dispatch({ ...outer, signal: stop.signal, assignments, ...(warmStarts === undefined ? {} : { warmStarts }) }, options, inFlight, assignments);
  } catch (error) {
    stop.abort();
    await Promise.allSettled(inFlight.values());
    await settleAhead(outer);
    await outer.worktrees?.drain().catch(() => undefined);
    throw error;
  } finally {
    outer.signal.removeEventListener('abort', forward);
  }
}

async function dispatch(ctx: EngineContext, options: EngineOptions, inFlight: Map<string, Promise<TaskEnd>>, assignments: Map<string, Assignment>): Promise<EngineResult> {
  // The first wave's worktrees are added while the history is read, the forecast made and the
  // models routed: git runs in processes of its own, so the first agents start sooner.
  if (ctx.worktrees !== undefined) for (const task of schedule(ctx.state(), ctx.config.phases).ready.slice(0, options.parallel)) void ctx.worktrees.prefetch(task.id);
  const learning = await CrossRunHistory.open(ctx.paths.storeFile, ctx.runId, ModelCatalog.build(ctx.config.models));
  await forecastLive(ctx, options.parallel);
  const adapting = ctx.config.adapt.enabled && ctx.env.ORCH_ADAPT !== '0';
  // orch.json only carries lessons to later runs: failing to write one must not stop this run.
  const learn = (taskId: string): Promise<void> =>
    learning.record(ctx.state(), taskId).catch((error: unknown) => ctx.log.append({ type: 'warning.raised', message: `could not record ${taskId}'s routing outcome in ${ctx.paths.storeFile}: ${(error as Error).message}` }).then(() => undefined));
  const estimate = options.estimateDurationMs ?? learnedDurations(await storedOutcomes(ctx.paths.storeFile), ctx.tasks, assignments, ModelCatalog.build(ctx.config.models));
  const freeMemory = options.freeMemory ?? freemem;
  const ceiling = ctx.worktrees === undefined ? 1 : Math.max(1, Math.min(options.parallel, memoryCeiling(freeMemory())));
  const adapter = new RunAdapter({
    ...ctx.config.adapt,
    enabled: adapting,
    clock: options.clock ?? systemClock,
    append: (e) => ctx.log.append(e),
    ceiling,
    memory: { free: freeMemory, perAgent: CLAUDE_RSS_BYTES },
    run: ctx.state(),
    ...(estimate === undefined ? {} : { estimate }),
    ...(ctx.registry === undefined ? {} : { registry: ctx.registry }),
  });
  const pace = adapter.pace === undefined ? {} : { pace: adapter.pace };
  const router = new RunRouter({ config: ctx.config, state: () => ctx.state(), append: (e) => ctx.log.append(e), assignments: ctx.assignments, tasks: ctx.tasks, earlier: learning.earlier, adapt: adapting, ...pace });
  const unwatch = ctx.log.subscribe(adapter.watch.listener);
  // A waiting CLI holds as much memory as a working one: it is started only where one more fits.
  const warmNext = ctx.warmStarts === undefined ? undefined : new WarmNext(ctx, ctx.warmStarts, router, () => Math.floor((freeMemory() * 0.8) / CLAUDE_RSS_BYTES));
  const stopWarm = (): void => void warmNext?.stop();
  ctx.signal.addEventListener('abort', stopWarm, { once: true });
  try {
    return await dispatchLoop(ctx, options, inFlight, { router, adapter, assignments, learn, ...(warmNext === undefined ? {} : { warmNext }) });
  } finally {
    ctx.signal.removeEventListener('abort', stopWarm);
    unwatch();
    await warmNext?.stop();
  }
}

interface LoopParts {
  readonly router: RunRouter;
  readonly adapter: RunAdapter;
  readonly assignments: Map<string, Assignment>;
  readonly learn: (taskId: string) => Promise<void>;
  readonly warmNext?: WarmNext;
}

async function dispatchLoop(ctx: EngineContext, options: EngineOptions, inFlight: Map<string, Promise<TaskEnd>>, { router, adapter, assignments, learn, warmNext }: LoopParts): Promise<EngineResult> {
  const earlierAttempts = new Set(Object.keys(ctx.state().attempts));
  const perAgent = new Map<string, number>();
  if (ctx.worktrees === undefined) {
    await ctx.log.append({ type: 'warning.raised', message: 'the workspace is not a git repository: tasks run one at a time in the workspace itself' });
  }
  // A crash between a task's verdict and the removal of its worktree left the folder behind.
  for (const task of Object.values(ctx.state().tasks)) {
    if (task.state === 'verified' && ctx.worktrees !== undefined && existsSync(ctx.worktrees.taskDir(task.id))) ctx.worktrees.cleanupInBackground(task.id);
  }

  for (;;) {
    if (ctx.signal.aborted) break;
    const gate = ctx.pause;
    if (gate?.requested === true) {
      await warmNext?.stop();
      if (inFlight.size > 0) {
        await Promise.race([...inFlight.values(), gate.changed()]);
        continue;
      }
      if (workLeft(ctx)) {
        await settleAhead(ctx);
        await ctx.log.append({ type: 'run.paused', reason: 'user', message: `paused by ${gate.by}; running tasks finished first` });
        await gate.untilResumed(ctx.signal);
        if (ctx.signal.aborted) break;
        await ctx.log.append({ type: 'run.resumed' });
        continue;
      }
      // Paused with nothing left to start, a finished run would wait for a resume holding its
      // lock: it ends as it would have without the pause, which is withdrawn.
      await ctx.log.append({ type: 'warning.raised', message: `${gate.by} came as the last tasks ended: nothing was left to pause, so the run finishes instead` });
      gate.resume();
    }
    const fatal = runWideFailure(ctx, earlierAttempts);
    if (fatal !== undefined) {
      await Promise.allSettled(inFlight.values());
      await ctx.log.append({ type: 'warning.raised', message: `stopped dispatching: ${fatal}` });
      break;
    }
    const budget = options.budgetUsd;
    if (budget !== undefined && ctx.state().costUsd >= budget && inFlight.size === 0) {
      await settleWorktrees(ctx);
      await ctx.log.append({ type: 'run.paused', reason: 'budget', message: `budget of ${formatMoney(budget)} used ($${ctx.state().costUsd.toFixed(4)} spent)` });
      return 'paused';
    }
    await adapter.adjust(inFlight.size);
    const limit = adapter.limit;
    const decision = schedule(ctx.state(), ctx.config.phases);
    const ready = await adapter.order(decision.ready, ctx.state(), (t) => phaseRank(ctx.config.phases, t.phase));
    for (const { task, reason } of decision.blocked) {
      await ctx.log.append({ type: 'task.blocked', taskId: task.id, reason });
    }
    const overBudget = budget !== undefined && ctx.state().costUsd >= budget;
    const unaffordable: string[] = [];
    let waiting = false;
    for (const task of overBudget ? [] : ready) {
      if (inFlight.size >= limit) break;
      if (inFlight.has(task.id)) continue;
      const assigned = assignments.get(task.id);
      const spread = assigned === undefined ? undefined : await adapter.spread(task, assigned, ctx.tasks.get(task.id)?.task.agent !== undefined, ctx.state(), (name) => perAgent.get(name) ?? 0);
      if (spread !== undefined) assignments.set(task.id, spread);
      const agent = assignments.get(task.id)?.agent;
      const busy = perAgent.get(agent?.name ?? '') ?? 0;
      if (agent?.maxParallel !== undefined && busy >= agent.maxParallel) continue;
      // The predicted cost of its attempt must fit what the budgets leave, before it starts.
      const model = await router.route(task.id);
      if (router.waitsForFirstTurn(task.id, model).length > 0) {
        waiting = true;
        continue;
      }
      const admitted = router.admit(task.id, model);
      if (!admitted.ok) {
        if (admitted.scope === 'task') await ctx.log.append({ type: 'task.blocked', taskId: task.id, reason: `budget: ${admitted.reason}` });
        else unaffordable.push(admitted.reason);
        continue;
      }
      perAgent.set(agent?.name ?? '', busy + 1);
      const run = executeTask(ctx, task.id, router)
        .then(async (end) => {
          await learn(task.id);
          return end;
        })
        .finally(() => {
          router.settle(task.id);
          inFlight.delete(task.id);
          perAgent.set(agent?.name ?? '', (perAgent.get(agent?.name ?? '') ?? 1) - 1);
        });
      inFlight.set(task.id, run);
    }
    // The next wave's worktrees are added while this one works, so its dispatch need not wait;
    // the first ones are also set up, and their agents' CLIs started once each is ready.
    if (ctx.worktrees !== undefined && !overBudget) {
      const worktrees = ctx.worktrees;
      const queued = ready.filter((t) => !inFlight.has(t.id)).slice(0, limit);
      const next = queued.map((t, i) => ({ taskId: t.id, worktree: i < PREPARED_AHEAD ? prepareAhead(ctx, worktrees, t.id) : worktrees.prefetch(t.id) }));
      warmNext?.follow(next, inFlight.keys());
    } else warmNext?.follow([], inFlight.keys());
    // In-flight tasks are running or verifying; also re-dispatch tasks a resume found mid-flight.
    for (const task of Object.values(ctx.state().tasks)) {
      if ((task.state === 'running' || task.state === 'verifying') && !inFlight.has(task.id) && inFlight.size < limit) {
        const resumed = executeTask(ctx, task.id, router).then(async (end) => {
          await learn(task.id);
          return end;
        });
        inFlight.set(task.id, resumed.finally(() => inFlight.delete(task.id)));
      }
    }
    if (inFlight.size === 0 && unaffordable.length > 0) {
      await settleWorktrees(ctx);
      await ctx.log.append({ type: 'run.paused', reason: 'budget', message: `the budget cannot cover the next attempt: ${unaffordable.join('; ')}` });
      return 'paused';
    }
    if (inFlight.size === 0) break;
    // A running attempt's first report may let a task that waited for it start.
    // A 429 or 529 wakes the round too, so the back-off is decided at once, not at some task's end.
    await Promise.race<unknown>([...inFlight.values(), adapter.changed(), ...(waiting ? [router.spend.reported()] : [])]);
  }
  await Promise.allSettled(inFlight.values());
  await settleWorktrees(ctx);
  return finish(ctx);
}

/** A task that could still start or is mid-flight after a resume: what a pause would hold back. */
function workLeft(ctx: EngineContext): boolean {
  const tasks = Object.values(ctx.state().tasks);
  return schedule(ctx.state(), ctx.config.phases).ready.length > 0 || tasks.some((t) => t.state === 'running' || t.state === 'verifying');
}

// Before the run's last word: the background removals are done, or their failures said.
async function settleWorktrees(ctx: EngineContext): Promise<void> {
  await settleAhead(ctx);
  for (const message of (await ctx.worktrees?.drain()) ?? []) await ctx.log.append({ type: 'warning.raised', message });
}

async function finish(ctx: EngineContext): Promise<EngineResult> {
  const tasks = Object.values(ctx.state().tasks);
  const state: Exclude<EngineResult, 'paused'> = ctx.signal.aborted
    ? 'cancelled'
    : tasks.every((t) => t.state === 'verified')
      ? 'completed'
      : 'failed';
  if (state === 'cancelled') {
    for (const t of tasks) {
      if (t.state === 'pending') await ctx.log.append({ type: 'task.cancelled', taskId: t.id });
    }
  }
  await ctx.log.append({ type: 'run.finished', state });
  return state;
}

// Failures that every other Claude task would meet too: running them would only repeat the
// error. An OpenAI agent's missing or refused key blocks only the OpenAI-routed tasks.
function runWideFailure(ctx: EngineContext, earlier: ReadonlySet<string>): string | undefined {
  const claude = (taskId: string): boolean => ctx.assignments.get(taskId)?.agent.provider !== 'openai';
  const attempt = Object.values(ctx.state().attempts).find((a) => !earlier.has(a.id) && a.failure !== undefined && PROVIDER_WIDE.includes(a.failure) && claude(a.taskId));
  return attempt === undefined ? undefined : `${attempt.id} failed (${attempt.failure}): ${attempt.message ?? ''}`;
}

function memoryCeiling(free: number): number {
  return Math.max(1, Math.floor((free * 0.8) / CLAUDE_RSS_BYTES));
}

// Predictions only inform the order: an unreadable store means the plain order, not a failed run.
function storedOutcomes(file: string): Promise<readonly OutcomeRecord[]> {
  return OrchStore.open(file).then(
    (store) => store.outcomes,
    (): readonly OutcomeRecord[] => [],
  );
}

function phaseRank(phases: readonly string[], phase: string | undefined): number {
  const i = phases.indexOf(phase ?? '');
  return i < 0 ? phases.length : i;
}
