// `orch worker`: takes attempt jobs from the queue up to its slots (capped by its own memory, as
// the engine caps its parallel agents), runs each in its own folder, streams what happens to the
// run's report stream and heartbeats so the coordinator knows it is alive. A cancel published by
// the coordinator stops the matching agents at once, with every process they started.

import { freemem, hostname } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { findMarkedProcesses } from '../runner/process-group';
import { connect, type QueueAddress } from './queue-connection';
import { controlSchema, keys, queueJobSchema, QUEUE_NAME, reportFields, type Heartbeat, type ReportBody } from './queue-protocol';
import { runJob, type WorkerPlace } from './run-job';
import { workerMarker } from './worker-marks';

// What one real `claude` process holds, with headroom: the same rule as the engine's parallel cap.
const AGENT_RSS_BYTES = 350 * 1024 * 1024;

export interface QueueWorkerOptions extends WorkerPlace {
  readonly address: QueueAddress;
  readonly slots: number;
  /** Heartbeat period; the heartbeat expires after three missed. Default 5 s. */
  readonly heartbeatMs?: number;
  /** BullMQ's job lock: a worker silent this long has its job declared stalled. Default 30 s. */
  readonly lockMs?: number;
  /** How often this worker looks for other workers' stalled jobs. Default 15 s. */
  readonly stalledCheckMs?: number;
  readonly log?: (line: string) => void;
}

interface Running {
  readonly runId: string;
  readonly abort: AbortController;
}

export class QueueWorker {
  readonly slots: number;
  private readonly host = hostname();
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly running = new Map<string, Running>();
  private worker: Worker | undefined;
  private beat: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly options: QueueWorkerOptions) {
    this.slots = Math.max(1, Math.min(options.slots, Math.floor((freemem() * 0.8) / AGENT_RSS_BYTES)));
    const log = (error: Error): void => options.log?.(`orch worker ${options.name}: redis: ${error.message}`);
    this.redis = connect(options.address, log);
    this.subscriber = connect(options.address, log);
  }

  async start(): Promise<void> {
    await mkdir(this.options.folder, { recursive: true });
    // Agents an earlier process of this same worker (this folder) left when it was killed: they would write into worktrees it reuses.
    for (const pid of findMarkedProcesses(workerMarker(this.options))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    await this.heartbeat();
    this.beat = setInterval(() => void this.heartbeat().catch(() => undefined), this.options.heartbeatMs ?? 5_000);
    await this.subscriber.subscribe(keys.control);
    this.subscriber.on('message', (_channel: string, text: string) => this.control(text));
    const lockDuration = this.options.lockMs ?? 30_000;
    this.worker = new Worker(QUEUE_NAME, (job: Job, _token?: string, signal?: AbortSignal) => this.process(job, signal), {
      connection: this.options.address.bullmq,
      concurrency: this.slots,
      lockDuration,
      stalledInterval: this.options.stalledCheckMs ?? Math.max(1_000, Math.floor(lockDuration / 2)),
      // A stalled job is not run again under the same attempt id: the coordinator logs the dead
      // attempt as crashed and enqueues the next attempt, so each attempt runs once.
      maxStalledCount: 0,
    });
    this.worker.on('error', (error) => this.options.log?.(`orch worker ${this.options.name}: ${error.message}`));
    if (this.slots < this.options.slots) this.options.log?.(`orch worker ${this.options.name}: ${this.slots} slot(s), not ${this.options.slots}: free memory allows no more agents`);
  }

  /**
   * Stops taking jobs. `abandon`: the running agents are stopped too (their attempts end
   * cancelled); otherwise they finish first.
   */
  async stop(abandon: boolean): Promise<void> {
    if (abandon) for (const r of this.running.values()) r.abort.abort();
    if (this.stopping) return;
    this.stopping = true;
    await this.worker?.close();
    clearInterval(this.beat);
    await this.redis.del(keys.heartbeat(this.options.name));
    await this.redis.srem(keys.workers, this.options.name);
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async process(job: Job, bullSignal: AbortSignal | undefined): Promise<void> {
    const parsed = queueJobSchema.safeParse(job.data);
    if (!parsed.success) throw new Error(`job ${job.id ?? '?'} is not an Orch attempt: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const data = parsed.data;
    let seq = 0;
    const report = async (body: ReportBody): Promise<void> => {
      seq += 1;
      await this.redis.xadd(keys.reports(data.runId), '*', ...reportFields(data.attemptId, seq, body));
    };
    const abort = new AbortController();
    bullSignal?.addEventListener('abort', () => abort.abort(), { once: true });
    this.running.set(data.attemptId, { runId: data.runId, abort });
    try {
      await report({ kind: 'placed', worker: this.options.name, host: this.host, jobId: job.id ?? '' });
      await this.heartbeat();
      if ((await this.redis.exists(keys.cancelled(data.runId))) === 1) abort.abort();
      // Reports are chained: the stream keeps them in the order the attempt made them.
      let chain = Promise.resolve();
      const ordered = (body: ReportBody): Promise<void> => (chain = chain.then(() => report(body)));
      await runJob(this.options, data, abort.signal, ordered);
      await chain;
    } finally {
      this.running.delete(data.attemptId);
      await this.heartbeat().catch(() => undefined);
    }
  }

  private control(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = controlSchema.safeParse(message);
    if (!parsed.success) return;
    for (const [attemptId, r] of this.running) {
      if (r.runId === parsed.data.runId && (parsed.data.attemptId === undefined || parsed.data.attemptId === attemptId)) r.abort.abort();
    }
  }

  private async heartbeat(): Promise<void> {
    const beat: Heartbeat = {
      worker: this.options.name,
      host: this.host,
      pid: process.pid,
      slots: this.slots,
      slotsInUse: this.running.size,
      heartbeatAt: new Date().toISOString(),
      attempts: [...this.running.keys()],
    };
    // Registered again each beat: a Redis restarted without persistence forgets the set.
    await this.redis.multi().sadd(keys.workers, this.options.name).set(keys.heartbeat(this.options.name), JSON.stringify(beat), 'PX', 3 * (this.options.heartbeatMs ?? 5_000)).exec();
  }
}
