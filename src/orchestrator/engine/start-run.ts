import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Prd, Roadmap, Task } from '../../protocol/domain';
import { foldEvent } from '../../protocol/fold';
import { qualifiedTaskId } from '../../protocol/ids';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { RegistrySnapshot } from '../agents/agent-types';
import type { OrchConfig } from '../config/orch-config';
import { startAlerts } from '../alerts/start-alerts';
import { InputError } from '../errors';
import { EventLog } from '../events/event-log';
import { systemClock, type Clock } from '../ports';
import { routingRecordsOf } from '../router/cross-run-history';
import { outcomeRecordsOf } from '../learning/outcomes-of';
import { ModelCatalog } from '../router/model-catalog';
import { lazyOpenaiAttempt } from '../openai/lazy-openai-attempt';
import { redactor, secretsOf } from '../security/redact-secrets';
import { OrchStore } from '../store/orch-store';
import { removeStaleDashboardFile } from '../workspace/stale-dashboard-file';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { loadPlan } from '../plan/load-plan';
import { assignAgents, type Assignment } from './assign-agents';
import { milestonesToPlan, planMilestone } from './plan-milestones';
import { startExecHelper } from './exec-helpers';
import type { AttemptRunner, EngineContext } from './engine-context';
import { killOrphans } from './orphans';
import type { PauseGate } from './pause-gate';
import { acquireRunLock } from './run-lock';
import { RETRYABLE_STATES, selectRetryTasks } from './task-selection';
import { runWorkflow, type EngineResult } from './workflow-engine';
import { git } from './git';
import { Worktrees } from './worktrees';

export interface RunDeps {
  readonly paths: WorkspacePaths;
  readonly config: OrchConfig;
  readonly registry: RegistrySnapshot;
  /** Runs Claude attempts (and the planner's). */
  readonly runAttempt: AttemptRunner;
  /** Runs OpenAI-routed attempts; default: the openai SDK. */
  readonly runOpenaiAttempt?: AttemptRunner;
  readonly claudePath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  readonly pause?: PauseGate;
  readonly clock?: Clock;
  /** The user chose to run without git: tasks run in the workspace itself, one at a time. */
  readonly noGit?: boolean;
  /** Called once the run's log is open, so adapters can follow events live. */
  readonly onLog?: (log: EventLog) => void;
  /** The check results queue workers ran with their attempts (`orch run --queue`). */
  readonly workerChecks?: EngineContext['workerChecks'];
  /**
   * Memory free for the agents the run starts, which caps its parallelism (os.freemem by default).
   * A queue run's agents run on workers, each capped by its own governor, so it passes Infinity.
   */
  readonly freeMemory?: () => number;
}

export interface RunOutcome {
  readonly runId: string;
  readonly result: EngineResult;
  readonly snapshot: RunSnapshot;
  readonly integrationBranch?: string;
}

export interface NewRun {
  readonly roadmap: Roadmap;
  readonly milestones: readonly string[];
  readonly parallel?: number;
  readonly budgetUsd?: number;
}

function newRunId(clock: Clock = systemClock): string {
  const stamp = clock.now().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function startRun(deps: RunDeps, run: NewRun): Promise<RunOutcome> {
  const known = new Set(run.roadmap.phases.flatMap((p) => p.milestones.map((m) => m.id)));
  const unknown = run.milestones.filter((m) => !known.has(m));
  if (unknown.length > 0) throw new InputError(`unknown milestone ${unknown.join(', ')}; the roadmap has ${[...known].join(', ')}`, { file: run.roadmap.file });
  // Bad input fails here, before a run exists: the planner's PRDs are checked as they come.
  assignAgents(run.roadmap, run.milestones, deps.registry, deps.config);
  const runId = newRunId(deps.clock);
  return withRun(deps, runId, 'run', async (log) => {
    await log.append({ type: 'run.started', roadmapFile: run.roadmap.file, milestones: run.milestones, budgetUsd: run.budgetUsd ?? deps.config.budgetUsd });
    await log.append({ type: 'plan.loaded', roadmap: run.roadmap });
    const roadmap = await planMissingPrds(deps, log, runId, run.roadmap, run.milestones);
    const assignments = assignAgents(roadmap, run.milestones, deps.registry, deps.config);
    // Appended together, they share the log's group commits (the first write takes what is queued
    // when it starts, the next the rest): awaiting each was one fsync after another before the
    // first dispatch (200 tasks, 200 in a row).
    await Promise.all([...assignments.values()].map((a) => log.append({ type: 'task.assigned', taskId: a.taskId, agent: a.agent.name, model: a.model, phase: a.phase, reason: a.reason })));
    return { assignments, parallel: run.parallel ?? deps.config.parallel };
  });
}

/** `onlyTasks`: retry just these tasks (ids as `resume --task` takes them); the others keep their state. */
export async function resumeRun(deps: RunDeps, runId: string, budgetUsd?: number, onlyTasks?: readonly string[]): Promise<RunOutcome> {
  if (!existsSync(deps.paths.eventsFile(runId))) throw new InputError(`no run ${runId} in this workspace`, { file: deps.paths.eventsFile(runId) });
  return withRun(deps, runId, 'resume', async (log, state) => {
    if (state === undefined) throw new InputError(`run ${runId} has an empty event log`, { file: log.file });
    if (state.roadmap === undefined) throw new InputError(`run ${runId} has no plan in its log; start a new run`, { file: log.file });
    if (state.state === 'completed') throw new InputError(`run ${runId} is ${state.state}; nothing to resume`);
    const retry = onlyTasks === undefined ? undefined : new Set(selectRetryTasks(state, onlyTasks, log.file));
    await checkSameIsolation(deps, state, log.file);
    const killed = await killOrphans(runId);
    if (killed.length > 0) await log.append({ type: 'warning.raised', message: `stopped ${killed.length} agent process(es) left by an earlier Orch: ${killed.join(', ')}` });
    await log.append({ type: 'run.resumed', budgetUsd });
    // Whatever stopped these (credentials, budget, a flaky check) may be fixed now; verified
    // tasks are never touched.
    for (const task of Object.values(state.tasks)) {
      if (retry !== undefined && !retry.has(task.id)) continue;
      if (RETRYABLE_STATES.includes(task.state)) await log.append({ type: 'task.requeued', taskId: task.id, reason: `resume after ${task.state}: ${task.error ?? ''}` });
    }
    const roadmap = await planMissingPrds(deps, log, runId, state.roadmap, state.milestones);
    const assignments = assignAgents(roadmap, state.milestones, deps.registry, deps.config);
    return { assignments, parallel: deps.config.parallel };
  });
}

/**
 * A run resumes where its work is: in git worktrees (its integration branch exists) or in the
 * folder itself. Switching would start tasks from a tree without the work already done.
 */
async function checkSameIsolation(deps: RunDeps, state: RunSnapshot, logFile: string): Promise<void> {
  const repo = (await git(deps.paths.root, ['rev-parse', '--show-toplevel'])).code === 0;
  const branch = `orch/${state.runId}/integration`;
  const hasBranch = repo && (await git(deps.paths.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
  if (deps.noGit === true && hasBranch) {
    throw new InputError(`run ${state.runId} ran in git worktrees (its work is on ${branch}), not in the folder itself`, { file: logFile }, 'resume it without --no-git');
  }
  // Planning attempts run before the worktrees exist; a task's attempt means they did.
  const worked = Object.values(state.attempts).some((a) => state.tasks[a.taskId] !== undefined);
  if (deps.noGit !== true && repo && !hasBranch && worked) {
    throw new InputError(`run ${state.runId} has no ${branch} branch: it ran in the folder itself, without git worktrees`, { file: logFile }, 'resume it with --no-git');
  }
}

/**
 * The requirements phase's first step: milestones without a PRD get one from the planner, then
 * the plan is read again from disk (so the new PRD goes through the loader like any other) and
 * logged. A resume after a crash mid-planning picks up a PRD already written.
 */
async function planMissingPrds(deps: RunDeps, log: EventLog, runId: string, roadmap: Roadmap, milestones: readonly string[]): Promise<Roadmap> {
  if (milestonesToPlan(roadmap, milestones).length === 0) return roadmap;
  const load = () => loadPlan({ roadmapFile: roadmap.file, workspaceDir: deps.paths.root, phases: deps.config.phases });
  let current = await load();
  for (const milestone of milestonesToPlan(current, milestones)) {
    await planMilestone(
      {
        ...deps,
        runId,
        attemptTimeoutSec: deps.config.attemptTimeoutSec,
        inactivityTimeoutSec: deps.config.inactivityTimeoutSec,
        append: (event) => log.append(event),
      },
      milestone,
      deps.config.phases,
    );
  }
  current = await load();
  await log.append({ type: 'plan.loaded', roadmap: current });
  return current;
}

async function withRun(
  deps: RunDeps,
  runId: string,
  command: string,
  prepare: (log: EventLog, state: RunSnapshot | undefined) => Promise<{ assignments: Map<string, Assignment>; parallel: number }>,
): Promise<RunOutcome> {
  // Worktrees are made through a helper process: it boots while the run's files are opened.
  if (deps.noGit !== true) startExecHelper();
  const release = await acquireRunLock(deps.paths.lockFile, { command: `orch ${command}`, runId });
  // Agents and checks see both environments, so either may print a key from them.
  const redact = redactor(secretsOf({ ...process.env, ...deps.env }, deps.config.redact));
  let log: EventLog;
  let store: OrchStore;
  try {
    await removeStaleDashboardFile(deps.paths.dashboardFile);
    // The store before the log: a damaged store stops a new run before its folder exists.
    store = await OrchStore.open(deps.paths.storeFile);
    log = await EventLog.open(deps.paths.eventsFile(runId), runId, deps.clock, redact);
  } catch (error) {
    await release();
    throw error;
  }
  let state: RunSnapshot | undefined;
  for (const event of log.events) state = foldEvent(state, event);
  log.subscribe((event) => {
    state = foldEvent(state, event);
  });
  const alerts = startAlerts(deps.config.alerts, log, deps.paths.root);
  deps.onLog?.(log);
  try {
    // Outcomes logged by an Orch killed before it wrote them to orch.json: the log is the truth,
    // and, as when a task finishes, failing to write a lesson for later runs must not stop this one.
    const outcomes = state === undefined ? [] : routingRecordsOf(state, runId, ModelCatalog.build(deps.config.models));
    await store.upsertRouting(outcomes).catch((error: unknown) => log.append({ type: 'warning.raised', message: `could not write run ${runId}'s routing outcomes to ${deps.paths.storeFile}: ${(error as Error).message}` }));
    await store.upsertOutcomes(state === undefined ? [] : outcomeRecordsOf(state, runId, ModelCatalog.build(deps.config.models))).catch((error: unknown) => log.append({ type: 'warning.raised', message: `could not write run ${runId}'s attempt outcomes to ${deps.paths.storeFile}: ${(error as Error).message}` }));
    const snapshot = (): RunSnapshot => {
      if (state === undefined) throw new InputError(`run ${runId} has an empty event log`, { file: log.file });
      return state;
    };
    const { assignments, parallel } = await prepare(log, state);
    await store.upsertRun({ runId, roadmapFile: snapshot().roadmapFile, state: 'running', startedAt: snapshot().startedAt, updatedAt: snapshot().updatedAt });
    const worktrees = deps.noGit === true ? undefined : await Worktrees.open(deps.paths, runId);
    await worktrees?.prepare();
    const ctx: EngineContext = {
      runId,
      redact,
      paths: deps.paths,
      config: deps.config,
      log,
      roadmap: snapshot().roadmap!,
      assignments,
      tasks: taskIndex(snapshot().roadmap!),
      worktrees,
      runners: { claude: deps.runAttempt, openai: deps.runOpenaiAttempt ?? lazyOpenaiAttempt(ModelCatalog.build(deps.config.models)) },
      claudePath: deps.claudePath,
      env: deps.env,
      signal: deps.signal,
      pause: deps.pause,
      registry: deps.registry,
      ...(deps.workerChecks === undefined ? {} : { workerChecks: deps.workerChecks }),
      state: snapshot,
    };
    const result = await runWorkflow(ctx, { parallel, budgetUsd: snapshot().budgetUsd, ...(deps.clock === undefined ? {} : { clock: deps.clock }), ...(deps.freeMemory === undefined ? {} : { freeMemory: deps.freeMemory }) });
    await log.flush();
    await store.upsertRun({ runId, roadmapFile: snapshot().roadmapFile, state: snapshot().state, startedAt: snapshot().startedAt, updatedAt: snapshot().updatedAt });
    return { runId, result, snapshot: snapshot(), integrationBranch: worktrees?.integrationBranch };
  } catch (error) {
    await markFailed(log, state, error);
    throw error;
  } finally {
    await alerts.drain();
    await log.close();
    await release();
  }
}

/** A run that could not go on is failed, with the reason in its log: never left "running". */
async function markFailed(log: EventLog, state: RunSnapshot | undefined, error: unknown): Promise<void> {
  if (state?.state !== 'running') return;
  const reason = error instanceof Error ? error.message : String(error);
  try {
    await log.append({ type: 'warning.raised', message: `the run stopped: ${reason}` });
    await log.append({ type: 'run.finished', state: 'failed' });
  } catch {
    // The log itself failed (a full disk): the error being thrown says more than this would.
  }
}

function taskIndex(roadmap: Roadmap): Map<string, { task: Task; prd: Prd }> {
  const index = new Map<string, { task: Task; prd: Prd }>();
  for (const phase of roadmap.phases) for (const m of phase.milestones) for (const prd of m.prds) for (const task of prd.tasks) index.set(qualifiedTaskId(prd.id, task.id), { task, prd });
  return index;
}
