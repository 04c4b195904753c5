// The task's checks on the worker that ran its attempt: the same verification round as a local
// run (same code, same evidence names), in the worker's worktree with the worker's CPU, browsers
// and secrets; the evidence files travel to the coordinator through the code remote.

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyContextOf, type CheckGroups } from '../engine/attempt-checks';
import { verifyCheckGroups } from '../engine/verify-task';
import { redactor, secretsOf } from '../security/redact-secrets';
import type { EvidencePack } from './check-report';
import { packEvidence } from './evidence-ref';
import { workerMarks } from './worker-marks';
import type { QueueJob } from './queue-protocol';

export interface WorkerChecks {
  readonly checks: CheckGroups;
  readonly evidence?: EvidencePack;
}

/** Runs the job's checks in `dir` and ships their evidence; undefined when the job carries none (an older coordinator). */
export async function runWorkerChecks(place: { readonly name: string; readonly folder: string; readonly env: Readonly<Record<string, string | undefined>> }, job: QueueJob, dir: string, signal: AbortSignal): Promise<WorkerChecks | undefined> {
  const verify = job.verify;
  if (verify === undefined) return undefined;
  // The attempt's own folder, so its pack holds its files only.
  const evidenceDir = join(place.folder, 'evidence', job.runId, verify.evidencePrefix);
  await rm(evidenceDir, { recursive: true, force: true });
  const redact = redactor(secretsOf({ ...process.env, ...place.env }, verify.redactNames));
  // The worker's marks on what the checks start, so a restarted worker in this folder clears leftovers.
  const env = { ORCH_RUN_ID: job.runId, ...workerMarks(place) };
  const checks = await verifyCheckGroups(verify.checks, verifyContextOf(verify, { cwd: dir, evidenceDir, env, signal, redact }));
  const evidence = await packEvidence(join(place.folder, 'repo.git'), evidenceDir, job.remote, job.attemptId);
  // The coordinator keeps them now (screenshots add up over a run).
  await rm(evidenceDir, { recursive: true, force: true });
  return { checks, ...(evidence === undefined ? {} : { evidence }) };
}
