// The coordinator's runner port for `orch run --queue`: instead of spawning the agent, each
// attempt becomes a BullMQ job a worker takes. What the worker reports comes back in order on the
// run's Redis stream and goes to the event log; the attempt's work comes back through git. One
// attempt settles once: a report for an attempt no longer awaited (a dead worker's, a stale job's)
// is dropped, so no task can complete twice.

import { Queue } from 'bullmq';
import { mkdir } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { AttemptOutcome, NewEvent } from '../../protocol/events';
import type { AttemptRunner } from '../engine/engine-context';
import type { EventLog } from '../events/event-log';
import type { AttemptRequest } from '../runner/attempt-request';
import { adoptAttemptWork, ensureCodeRemote, publishStart } from './code-remote';
import { connect, type QueueAddress } from './queue-connection';
import { keys, parseReport, QUEUE_NAME, type QueueJob, type Report, type ReportBody } from './queue-protocol';
import { WorkerMonitor } from './worker-monitor';
import type { CheckGroups } from '../engine/attempt-checks';
import type { Redact } from '../security/redact-secrets';
import { relocateResults, unpackEvidence } from './evidence-ref';
import { publishIncluded, type IncludePack } from './include-ref';

export interface QueueRunnerOptions {
  readonly address: QueueAddress;
  /** The workspace's `.orch` folder: the code remote lives there. */
  readonly orchDir: string;
  /** The workspace's `worktree.setup`, run on the worker too, and its time limit. */
  readonly setup?: { readonly command: string; readonly timeoutSec: number };
  /** How often job states and heartbeats are read. Default 1 s. */
  readonly pollMs?: number;
  /** How long a cancelled attempt's worker has to confirm before the attempt is closed anyway. Default 20 s. */
  readonly cancelGraceMs?: number;
  /**
   * Runs what stays on the coordinator: the planner (its PRD submissions are handled in this
   * process) and consults (a quick read-only question beside a running attempt).
   */
  readonly local: AttemptRunner;
  /**
   * The run's evidence folder: with it, jobs carry the task's checks, the workers run them and their
   * evidence files land here. Without it, the coordinator runs every check itself.
   */
  readonly evidenceDir?: (runId: string) => string;
  /** The workspace: its `.worktreeinclude` files go to the workers' worktrees. */
  readonly root?: string;
  /** The run's redaction, applied again to the evidence text workers send. */
  readonly redact?: Redact;
}

interface Pending {
  readonly job: QueueJob;
  readonly jobId: string;
  readonly cwd: string;
  readonly emit: (event: NewEvent) => void;
  readonly settle: (outcome: AttemptOutcome) => void;
  readonly betweenWorktreeChanges: AttemptRequest['betweenWorktreeChanges'];
  lastSeq: number;
  worker?: string;
  settling: boolean;
}

// A completed job stays an hour: a coordinator lagging behind the report stream still sees it as
// completed rather than gone, and adding it again under its id is a no-op, so it never runs twice.
const JOB_OPTIONS = { attempts: 1, removeOnComplete: { age: 3_600 }, removeOnFail: 1_000 } as const;

const outcomeOf = (failure: 'crashed' | 'cancelled', message: string): AttemptOutcome => ({ outcome: 'failed', failure, message, costUsd: 0, costSource: 'estimated', inputTokens: 0, outputTokens: 0, durationMs: 0 });

export class QueueRunner {
  readonly run: AttemptRunner = (request, emit) => (distributed(request) ? this.runAttempt(request, emit) : this.options.local(request, emit));
  private readonly redis: Redis;
  private readonly reader: Redis;
  private readonly queue: Queue;
  private readonly pending = new Map<string, Pending>();
  /** Check results of attempts whose end report was taken, until the engine's verdict takes them. */
  private readonly checked = new Map<string, CheckGroups>();
  /** The run's `.worktreeinclude` pack, made once (a local run lists the files once too). */
  private included: Promise<IncludePack | undefined> | undefined;
  private log: EventLog | undefined;
  private monitor: WorkerMonitor | undefined;
  private readLoop: Promise<void> | undefined;
  private poller: NodeJS.Timeout | undefined;
  private closed = false;
  private lastError: string | undefined;
  /** The report stream's entry the read loop is at: what comes after it has not been taken yet. */
  private readId = '0';
  /** The stream holds nothing older than this entry any more. */
  private trimmedTo = '0';

  constructor(private readonly options: QueueRunnerOptions) {
    const note = (error: Error): void => {
      this.lastError = error.message;
    };
    this.redis = connect(options.address, note);
    this.reader = connect(options.address, note);
    this.queue = new Queue(QUEUE_NAME, { connection: options.address.bullmq });
    this.queue.on('error', note);
  }

  /** The engine's port (EngineContext.workerChecks): the worker's results for this attempt, once. */
  readonly workerChecks = (attemptId: string): CheckGroups | undefined => {
    const groups = this.checked.get(attemptId);
    this.checked.delete(attemptId);
    return groups;
  };

  /** Starts following the run once its log is open: its report stream, the workers' heartbeats. */
  attach(log: EventLog): void {
    this.log = log;
    // The run's end is its log's last event: what the workers did after it is not the run's.
    let ended = false;
    log.subscribe((event) => (ended ||= event.type === 'run.finished'));
    const append = (event: NewEvent): Promise<unknown> => (ended ? Promise.resolve(undefined) : log.append(event));
    this.monitor = new WorkerMonitor(this.redis, append, this.options.pollMs ?? 1_000);
    this.monitor.start();
    this.monitor.onLost((worker) => void this.lost(worker).catch(() => undefined));
    // A resumed run was cancelled before: its jobs may be taken again.
    void this.redis.del(keys.cancelled(log.runId)).catch(() => undefined);
    this.readLoop = this.follow(keys.reports(log.runId));
    this.poller = setInterval(() => void this.checkJobs().then(() => this.trimReports()).catch(() => undefined), this.options.pollMs ?? 1_000);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poller);
    await this.trimReports().catch(() => undefined);
    await this.monitor?.stop();
    this.reader.disconnect();
    await this.readLoop?.catch(() => undefined);
    await this.queue.close();
    this.redis.disconnect();
  }

  private async runAttempt(request: AttemptRequest, emit: (event: NewEvent) => void): Promise<AttemptOutcome> {
    const log = this.log;
    if (log === undefined) throw new Error('the queue runner has no run log yet');
    const remote = await ensureCodeRemote(this.options.orchDir);
    const startCommit = await publishStart(request.cwd, remote, request.attemptId);
    const root = this.options.root;
    this.included ??= root === undefined ? Promise.resolve(undefined) : publishIncluded(root, remote, log.runId);
    const include = await this.included;
    const job = { ...jobOf(request, log, { remote, startCommit, setup: this.options.setup, verify: this.options.evidenceDir !== undefined }), ...(include === undefined ? {} : { include }) };
    const jobId = `${log.runId}/${request.attemptId}`;
    await this.dropStaleJobs(job);
    const outcome = new Promise<AttemptOutcome>((resolve) => {
      this.pending.set(request.attemptId, { job, jobId, cwd: request.cwd, emit, settle: resolve, betweenWorktreeChanges: request.betweenWorktreeChanges, lastSeq: 0, settling: false });
    });
    const onAbort = (): void => void this.cancel(request.attemptId);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.queue.add('attempt', job, { jobId, ...JOB_OPTIONS });
      if (request.signal?.aborted === true) onAbort();
      return await outcome;
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      this.pending.delete(request.attemptId);
    }
  }

  /**
   * The engine moved on from these attempts of the task (a resume closed them as interrupted):
   * a waiting job goes, a running one is told to stop, so only the awaited attempt runs.
   */
  private async dropStaleJobs(job: QueueJob): Promise<void> {
    for (const stale of await this.queue.getJobs(['wait', 'delayed', 'prioritized', 'active'])) {
      const data = stale.data as Partial<QueueJob> | undefined;
      if (data?.runId !== job.runId || data.taskId !== job.taskId || data.attemptId === job.attemptId) continue;
      if (stale.id !== undefined && (await this.queue.getJobState(stale.id)) === 'active') {
        await this.redis.publish(keys.control, JSON.stringify({ action: 'cancel', runId: job.runId, attemptId: data.attemptId }));
      } else {
        await stale.remove().catch(() => undefined);
      }
    }
  }

  private async cancel(attemptId: string): Promise<void> {
    const p = this.pending.get(attemptId);
    if (p === undefined) return;
    await this.redis.set(keys.cancelled(p.job.runId), '1', 'EX', 86_400);
    await this.redis.publish(keys.control, JSON.stringify({ action: 'cancel', runId: p.job.runId, attemptId }));
    const state = await this.queue.getJobState(p.jobId);
    if (state !== 'active') {
      await this.queue.remove(p.jobId).catch(() => undefined);
      this.finish(attemptId, outcomeOf('cancelled', 'cancelled before a worker took it'));
      return;
    }
    // The worker stops the agent and says so; a worker that never does is not waited for forever.
    setTimeout(() => this.finish(attemptId, outcomeOf('cancelled', 'cancelled; the worker did not confirm that it stopped')), this.options.cancelGraceMs ?? 20_000).unref();
  }

  /** A worker that finished its attempt before it stopped has its end report on the stream: that one is not lost. */
  private async lost(worker: string): Promise<void> {
    for (const [attemptId, p] of this.pending) {
      if (p.worker !== worker || p.settling) continue;
      if ((await this.unreadReports(p)).includes('end')) continue;
      this.finish(attemptId, outcomeOf('crashed', `worker ${worker} was lost (it stopped heartbeating) while it ran this attempt`));
    }
  }

  /**
   * Job states the stream cannot tell: failed (stalled: its worker died) or gone (Redis lost it).
   * Run by the poller; public so a test can run it at a chosen moment.
   */
  async checkJobs(): Promise<void> {
    for (const [attemptId, p] of this.pending) {
      if (p.settling) continue;
      const state = await this.queue.getJobState(p.jobId);
      // A gone job whose reports the read loop has not reached yet was taken (a worker may even
      // have finished it): it is neither lost nor to be run again. Read after the state, so a job
      // that completed before that read has all its reports on the stream already.
      if (state === 'unknown' && (await this.unreadReports(p)).length > 0) continue;
      if (state === 'failed') {
        const job = await this.queue.getJob(p.jobId);
        this.finish(attemptId, outcomeOf('crashed', `the worker${p.worker === undefined ? '' : ` ${p.worker}`} stopped: ${job?.failedReason ?? 'its job failed'}`));
      } else if (state === 'unknown' && p.worker === undefined && this.pending.has(attemptId)) {
        // Redis restarted without the job before any worker took it: enqueue it again.
        await this.queue.add('attempt', p.job, { jobId: p.jobId, ...JOB_OPTIONS });
      } else if (state === 'unknown' && p.worker !== undefined && !(this.monitor?.alive(p.worker) ?? true)) {
        this.finish(attemptId, outcomeOf('crashed', `the job is gone from the queue and worker ${p.worker} is lost`));
      }
    }
  }

  /**
   * Drops the stream's entries before the one the read loop is at, once what they brought is
   * fsynced in the log: the stream would otherwise grow by every report of the run. Nothing reads
   * them again: a resumed coordinator awaits only new attempts (it closes the ones it was awaiting
   * as interrupted), and the entry being taken, with everything after it, stays.
   */
  private async trimReports(): Promise<void> {
    const log = this.log;
    const upTo = this.readId;
    if (log === undefined || upTo === '0' || upTo === this.trimmedTo) return;
    await log.flush();
    await this.redis.xtrim(keys.reports(log.runId), 'MINID', upTo);
    this.trimmedTo = upTo;
  }

  /** The kinds of this attempt's reports on the stream that the read loop has not taken yet. */
  private async unreadReports(p: Pending): Promise<ReportBody['kind'][]> {
    // From the entry being taken (inclusive): it may still be on its way through `take`.
    const entries = await this.redis.xrange(keys.reports(p.job.runId), this.readId === '0' ? '-' : this.readId, '+');
    const kinds: ReportBody['kind'][] = [];
    for (const [id, fields] of entries) {
      const report = parseReport(id, fields);
      if (!('error' in report) && report.attemptId === p.job.attemptId && report.seq > p.lastSeq) kinds.push(report.body.kind);
    }
    return kinds;
  }

  private async follow(stream: string): Promise<void> {
    while (!this.closed) {
      let batch: [string, [string, string[]][]][] | null;
      try {
        batch = (await this.reader.xread('COUNT', 200, 'BLOCK', 1_000, 'STREAMS', stream, this.readId));
      } catch {
        if (this.closed) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const [, entries] of batch ?? []) {
        for (const [id, fields] of entries) {
          this.readId = id;
          const report = parseReport(id, fields);
          if ('error' in report) await this.log?.append({ type: 'warning.raised', message: `ignored a malformed report on ${stream} (${id}): ${report.error}` });
          else await this.take(report);
        }
      }
    }
  }

  private async take(report: Report): Promise<void> {
    const p = this.pending.get(report.attemptId);
    // Not awaited: a settled attempt's late report, or a stale job the engine already moved on from.
    if (p === undefined || p.settling) return;
    if (report.seq <= p.lastSeq) return;
    if (report.seq !== p.lastSeq + 1) {
      await this.log?.append({ type: 'warning.raised', message: `reports ${p.lastSeq + 1}-${report.seq - 1} of ${report.attemptId} never arrived on the queue` });
    }
    p.lastSeq = report.seq;
    const body = report.body;
    if (body.kind === 'placed') {
      p.worker = body.worker;
      p.emit({ type: 'attempt.placed', attemptId: report.attemptId, worker: body.worker, host: body.host, jobId: body.jobId });
      await this.monitor?.poll().catch(() => undefined);
    } else if (body.kind === 'event') {
      if ('attemptId' in body.event && body.event.attemptId !== report.attemptId) return;
      p.emit(body.event);
    } else {
      p.settling = true;
      // Not awaited: the fetch waits for the engine's worktree lane, and other attempts' reports
      // need not wait with it. Nothing of this attempt comes after its end.
      void this.settleEnd(p, report.attemptId, body).catch((error: unknown) => p.settle(outcomeOf('crashed', `the end of ${report.attemptId} could not be taken: ${(error as Error).message}`)));
    }
  }

  private async settleEnd(p: Pending, attemptId: string, body: Extract<ReportBody, { kind: 'end' }>): Promise<void> {
    let outcome = body.outcome;
    if (body.commit !== undefined) {
      try {
        await adoptAttemptWork(p.cwd, p.job.remote, attemptId, body.commit, p.betweenWorktreeChanges);
      } catch (error) {
        outcome = { ...outcomeOf('crashed', `the work of ${attemptId} could not be fetched from ${p.job.remote}: ${(error as Error).message}`), costUsd: outcome.costUsd, costSource: outcome.costSource };
      }
    }
    // Only an awaited attempt's end gets here: a late report's results never reach a verdict.
    if (body.checks !== undefined && outcome.outcome === 'succeeded') await this.takeChecks(p, attemptId, body);
    p.settle(outcome);
  }

  /** The worker's evidence into the run's folder, its results kept for the verdict; on any doubt the coordinator runs the checks. */
  private async takeChecks(p: Pending, attemptId: string, body: Extract<ReportBody, { kind: 'end' }>): Promise<void> {
    const into = this.options.evidenceDir?.(p.job.runId);
    if (into === undefined || body.checks === undefined) return;
    try {
      await mkdir(into, { recursive: true });
      const names = body.evidence === undefined ? [] : await unpackEvidence(p.job.remote, body.evidence.commit, into, this.options.redact);
      this.checked.set(attemptId, body.evidence === undefined ? body.checks : relocateResults(body.checks, body.evidence.dir, into, names));
    } catch (error) {
      p.emit({ type: 'warning.raised', message: `the evidence of ${attemptId}'s checks on worker ${body.worker} could not be taken, so the coordinator runs them: ${(error as Error).message}` });
    }
  }

  private finish(attemptId: string, outcome: AttemptOutcome): void {
    const p = this.pending.get(attemptId);
    if (p === undefined || p.settling) return;
    p.settling = true;
    p.settle(outcome);
  }

  /** The last Redis error, for a message when the queue cannot be reached. */
  get error(): string | undefined {
    return this.lastError;
  }
}

/** A task's attempt (`<task>#<n>`), not the planner's nor a consult. */
function distributed(request: AttemptRequest): boolean {
  return request.submissions === undefined && request.attemptId.startsWith(`${request.taskId}#`) && /#\d+$/.test(request.attemptId);
}

function jobOf(request: AttemptRequest, log: EventLog, code: { remote: string; startCommit: string; setup: QueueRunnerOptions['setup']; verify: boolean }): QueueJob {
  return {
    runId: log.runId,
    taskId: request.taskId,
    attemptId: request.attemptId,
    systemPrompt: request.systemPrompt,
    prompt: request.prompt,
    ...(request.resumeSessionId === undefined ? {} : { resumeSessionId: request.resumeSessionId, freshPrompt: freshPrompt(log, request) }),
    model: request.model,
    allowedTools: [...request.allowedTools],
    ...(request.disallowedTools === undefined ? {} : { disallowedTools: [...request.disallowedTools] }),
    permissionMode: request.permissionMode,
    ...(request.outputPath === undefined ? {} : { outputPath: request.outputPath }),
    ...(request.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: request.maxBudgetUsd }),
    ...(request.maxTurns === undefined ? {} : { maxTurns: request.maxTurns }),
    timeoutSec: request.timeoutSec,
    inactivityTimeoutSec: request.inactivityTimeoutSec,
    ...(code.setup === undefined ? {} : { setup: code.setup.command, setupTimeoutSec: code.setup.timeoutSec }),
    remote: code.remote,
    startCommit: code.startCommit,
    branch: `orch/${log.runId}/${request.taskId.replace(/[^A-Za-z0-9._-]+/g, '-')}`,
    ...(code.verify && request.verify !== undefined ? { verify: request.verify } : {}),
  };
}

/** The task's first brief with this rework after it: what an agent without the earlier session needs. */
function freshPrompt(log: EventLog, request: AttemptRequest): string {
  const first = log.events.find((e) => e.type === 'attempt.started' && e.taskId === request.taskId);
  return first?.type === 'attempt.started' ? `${first.prompt}\n\n${request.prompt}` : request.prompt;
}
