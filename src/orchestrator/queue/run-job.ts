// One job on a worker: the code at the job's commit in a worktree of the worker's own clone, the
// workspace's setup, the attempt with the real claude runner, then the work committed and pushed
// back under the attempt's own ref. Every step reports through `report`, in order.

import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AttemptOutcome, NewEvent } from '../../protocol/events';
import { git, gitOk } from '../engine/git';
import { runAttempt } from '../runner/run-attempt';
import { runSetupCommand } from '../worktree/setup-command';
import { attemptRef, pushAttemptWork, startRef } from './code-remote';
import type { QueueJob, ReportBody } from './queue-protocol';
import { runWorkerChecks, type WorkerChecks } from './worker-checks';
import { placeIncluded } from './include-ref';
import { workerMarks } from './worker-marks';

export interface WorkerPlace {
  readonly name: string;
  /** The worker's own folder: its clone (`repo.git`), worktrees and artifacts live there. */
  readonly folder: string;
  readonly claudePath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const failed = (failure: 'crashed' | 'cancelled', message: string): AttemptOutcome => ({ outcome: 'failed', failure, message, costUsd: 0, costSource: 'estimated', inputTokens: 0, outputTokens: 0, durationMs: 0 });

/** Runs the job to its end report; never throws for the attempt's own failures, which are its outcome. */
export async function runJob(place: WorkerPlace, job: QueueJob, signal: AbortSignal, report: (body: ReportBody) => Promise<void>): Promise<void> {
  const dir = join(place.folder, 'worktrees', job.runId, job.taskId.replace(/[^A-Za-z0-9._-]+/g, '-'));
  let setupMade: string[];
  try {
    await oneAtATime(join(place.folder, 'repo.git'), () => checkout(place.folder, job, dir));
    // As a local run copies them into the task's worktree before its setup; never committed.
    if (job.include !== undefined) await placeIncluded(join(place.folder, 'repo.git'), job.remote, job.runId, job.include.commit, dir);
    setupMade = [...(job.include?.paths ?? []), ...(await runSetup(place, job, dir, signal))];
  } catch (error) {
    await report({ kind: 'end', worker: place.name, outcome: failed(signal.aborted ? 'cancelled' : 'crashed', `worker ${place.name} could not prepare the worktree: ${(error as Error).message}`) });
    return;
  }
  const events: Promise<void>[] = [];
  const resumable = job.resumeSessionId !== undefined && hasSession(place.env, job.resumeSessionId);
  const outcome = await runAttempt(
    {
      attemptId: job.attemptId,
      taskId: job.taskId,
      systemPrompt: job.systemPrompt,
      // The session to resume ran on another machine: this agent needs the whole brief.
      prompt: job.resumeSessionId !== undefined && !resumable ? (job.freshPrompt ?? job.prompt) : job.prompt,
      model: job.model,
      allowedTools: job.allowedTools,
      ...(job.disallowedTools === undefined ? {} : { disallowedTools: job.disallowedTools }),
      permissionMode: job.permissionMode,
      cwd: dir,
      ...(job.outputPath === undefined ? {} : { outputPath: job.outputPath }),
      env: { ...place.env, ORCH_RUN_ID: job.runId, ORCH_ATTEMPT_ID: job.attemptId, ...workerMarks(place) },
      claudePath: place.claudePath,
      artifactsDir: join(place.folder, 'artifacts', job.runId),
      ...(job.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: job.maxBudgetUsd }),
      ...(job.maxTurns === undefined ? {} : { maxTurns: job.maxTurns }),
      timeoutSec: job.timeoutSec,
      inactivityTimeoutSec: job.inactivityTimeoutSec,
      ...(resumable ? { resumeSessionId: job.resumeSessionId } : {}),
      signal,
    },
    (event: NewEvent) => void events.push(report({ kind: 'event', event })),
  );
  await Promise.all(events);
  let commit: string;
  try {
    commit = await commitAndPush(job, dir, setupMade, place.name);
  } catch (error) {
    await report({ kind: 'end', worker: place.name, outcome: { ...failed('crashed', `worker ${place.name} could not push the work: ${(error as Error).message}`), costUsd: outcome.costUsd, costSource: outcome.costSource } });
    return;
  }
  // After the commit, as on the coordinator: what the checks leave in the worktree is not the work.
  const verified = outcome.outcome === 'succeeded' && !signal.aborted ? await checksOf(place, job, dir, signal, report) : undefined;
  await report({ kind: 'end', worker: place.name, outcome, commit, ref: attemptRef(job.attemptId), ...verified });
}

/** The checks' results, or undefined (cancelled, or they could not run here): the coordinator then runs them. */
async function checksOf(place: WorkerPlace, job: QueueJob, dir: string, signal: AbortSignal, report: (body: ReportBody) => Promise<void>): Promise<WorkerChecks | undefined> {
  try {
    const verified = await runWorkerChecks(place, job, dir, signal);
    return signal.aborted ? undefined : verified;
  } catch (error) {
    await report({ kind: 'event', event: { type: 'warning.raised', message: `worker ${place.name} could not run the checks of ${job.attemptId}, so the coordinator runs them: ${(error as Error).message}` } });
    return undefined;
  }
}

// A worker's jobs share its clone, and git fails when two of them init it, fetch into it or add a
// worktree to it at once (a fetch reads the placeholder HEAD of a worktree being added as a bad
// object): those steps take turns, per clone.
const cloneTurns = new Map<string, Promise<unknown>>();

function oneAtATime<T>(repo: string, step: () => Promise<T>): Promise<T> {
  const next = (cloneTurns.get(repo) ?? Promise.resolve()).then(step, step);
  cloneTurns.set(repo, next.catch(() => undefined));
  return next;
}

/** The worker's clone gets the job's start commit; the task's worktree is made (or reset) at it. */
async function checkout(folder: string, job: QueueJob, dir: string): Promise<void> {
  const repo = join(folder, 'repo.git');
  if (!existsSync(join(repo, 'HEAD'))) await gitOk(folder, ['init', '-q', '--bare', repo]);
  await gitOk(repo, ['fetch', '-q', '--no-tags', job.remote, `+${startRef(job.attemptId)}:${startRef(job.attemptId)}`]);
  if (existsSync(join(dir, '.git'))) {
    await gitOk(dir, ['checkout', '-q', '-f', '-B', job.branch, job.startCommit]);
    await gitOk(dir, ['clean', '-q', '-f', '-d']);
    return;
  }
  await git(repo, ['worktree', 'prune']);
  await gitOk(repo, ['worktree', 'add', '-q', '-f', '-B', job.branch, dir, job.startCommit]);
}

/** Runs the workspace's setup; returns what it created, which stays out of the attempt's commit. */
async function runSetup(place: WorkerPlace, job: QueueJob, dir: string, signal: AbortSignal): Promise<string[]> {
  if (job.setup === undefined) return [];
  const before = await untracked(dir);
  const marker = `ORCH_RUN_ID=${job.runId}`;
  const env = Object.fromEntries(Object.entries({ ...place.env, ORCH_RUN_ID: job.runId, ...workerMarks(place) }).filter((e): e is [string, string] => e[1] !== undefined));
  const result = await runSetupCommand({ command: job.setup, cwd: dir, env, marker, timeoutSec: job.setupTimeoutSec ?? 600, signal });
  if (result.cancelled) throw new Error('cancelled during the worktree setup');
  if (result.code !== 0) throw new Error(`worktree setup ${JSON.stringify(job.setup)} ${result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`}: ${result.output.slice(-2_000)}`);
  return (await untracked(dir)).filter((p) => !before.includes(p));
}

async function untracked(dir: string): Promise<string[]> {
  return (await gitOk(dir, ['ls-files', '--others', '--exclude-standard', '--directory', '-z'])).split('\0').filter((p) => p !== '');
}

async function commitAndPush(job: QueueJob, dir: string, setupMade: readonly string[], worker: string): Promise<string> {
  await gitOk(dir, ['add', '-A']);
  if (setupMade.length > 0) await gitOk(dir, ['reset', '-q', '--', ...setupMade]);
  if ((await git(dir, ['diff', '--cached', '--quiet'])).code !== 0) await gitOk(dir, ['commit', '-q', '-m', `${job.taskId}: work of ${job.attemptId} on worker ${worker}`]);
  const commit = (await gitOk(dir, ['rev-parse', 'HEAD'])).trim();
  await pushAttemptWork(dir, job.remote, job.attemptId, commit, job.branch);
  return commit;
}

/** Claude keeps a session under ~/.claude/projects/<folder>/<id>.jsonl of the machine that ran it. */
function hasSession(env: Readonly<Record<string, string | undefined>>, sessionId: string): boolean {
  const projects = join(env.CLAUDE_CONFIG_DIR ?? join(env.HOME ?? homedir(), '.claude'), 'projects');
  if (!existsSync(projects)) return false;
  return readdirSync(projects).some((folder) => existsSync(join(projects, folder, `${sessionId}.jsonl`)));
}
