// Where a verification round's checks run. For a local attempt, here, as always. For an attempt a
// queue worker ran, on that worker, right after the work (its CPU, not the coordinator's): its
// results come back with the work, and only a check it could not run (no browser on that machine)
// runs here instead; one that cannot run here either blocks the task on the environment, as
// locally. What follows the checks (the no-change rule, review, merge, defects) stays here.

import type { CheckResult } from '../../protocol/events';
import type { AttemptVerify } from '../runner/attempt-request';
import type { Redact } from '../security/redact-secrets';
import type { EngineContext } from './engine-context';
import { verifyCheckGroups, type VerifyContext } from './verify-task';

/** Results check by check, in the task's `verify` order. */
export type CheckGroups = readonly (readonly CheckResult[])[];

/** The task's checks for this attempt, as a job carries them to a worker. */
export function attemptVerify(ctx: EngineContext, taskId: string, attemptId: string): AttemptVerify {
  const { task } = ctx.tasks.get(taskId)!;
  return {
    checks: task.verify,
    evidencePrefix: attemptId.replace(/[^A-Za-z0-9._-]+/g, '-'),
    defaultCommandTimeoutSec: Math.min(600, ctx.config.attemptTimeoutSec),
    ...(ctx.config.chromiumPath === undefined ? {} : { chromiumPath: ctx.config.chromiumPath }),
    browsers: ctx.config.browsers,
    redactNames: ctx.config.redact,
  };
}

/** The same verification round wherever it runs: only the folders, the marker and the redaction differ. */
export function verifyContextOf(verify: AttemptVerify, place: { readonly cwd: string; readonly evidenceDir: string; readonly env: Readonly<Record<string, string>>; readonly signal?: AbortSignal; readonly redact?: Redact }): VerifyContext {
  return {
    cwd: place.cwd,
    evidenceDir: place.evidenceDir,
    evidencePrefix: verify.evidencePrefix,
    defaultCommandTimeoutSec: verify.defaultCommandTimeoutSec,
    env: place.env,
    ...(place.signal === undefined ? {} : { signal: place.signal }),
    ...(verify.chromiumPath === undefined ? {} : { chromiumPath: verify.chromiumPath }),
    ...(verify.browsers === undefined ? {} : { browsers: verify.browsers }),
    ...(place.redact === undefined ? {} : { redact: place.redact }),
  };
}

/** The attempt's check results: the worker's where it ran them, the rest run here. */
export async function runAttemptChecks(ctx: EngineContext, taskId: string, cwd: string, attemptId: string): Promise<CheckResult[]> {
  const verify = attemptVerify(ctx, taskId, attemptId);
  const fromWorker = ctx.workerChecks?.(attemptId);
  const rerun = checksToRunHere(verify.checks.length, fromWorker);
  if (fromWorker !== undefined && rerun.size === 0) return fromWorker.flat();
  const here = await verifyCheckGroups(verify.checks, verifyContextOf(verify, { cwd, evidenceDir: ctx.paths.evidenceDir(ctx.runId), env: { ORCH_RUN_ID: ctx.runId }, signal: ctx.signal, redact: ctx.redact }), rerun);
  return here.flatMap((group, index) => (rerun.has(index) ? group : [...(fromWorker?.[index] ?? [])]));
}

/**
 * Positions of the checks to run here: all without the worker's results (a local attempt, an older
 * worker, a coordinator resumed after it lost them), else those the worker could not run.
 */
export function checksToRunHere(count: number, fromWorker: CheckGroups | undefined): Set<number> {
  const all = new Set(Array.from({ length: count }, (_, i) => i));
  if (fromWorker?.length !== count) return all;
  return new Set([...all].filter((i) => fromWorker[i]!.length === 0 || fromWorker[i]!.some((r) => r.unavailable === true)));
}
