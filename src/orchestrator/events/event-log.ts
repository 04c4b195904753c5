import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NewEvent, OrchEvent } from '../../protocol/events';
import { systemClock, type Clock } from '../ports';
import { redactDeep, type Redact } from '../security/redact-secrets';
import { readEventLog } from './read-event-log';

type Listener = (event: OrchEvent) => void;

interface Pending {
  readonly line: string;
  readonly event: OrchEvent;
  readonly done: { resolve: () => void; reject: (error: unknown) => void };
}

/**
 * The append-only log of one run, and its only writer. An event counts as written once it is
 * fsynced; appends that arrive while a sync is in flight are written and synced together
 * (group commit), so a chatty agent costs one fsync per batch, not per line.
 */
export class EventLog {
  private readonly listeners = new Set<Listener>();
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private failure: unknown;

  private constructor(
    readonly file: string,
    readonly runId: string,
    private readonly handle: FileHandle,
    private readonly clock: Clock,
    private readonly history: OrchEvent[],
    /** True when open() found and removed a torn last line. */
    readonly recoveredTornTail: boolean,
    private readonly redact: Redact | undefined,
  ) {}

  /**
   * Opens (or creates) the log, cutting off a torn last line left by a crash. `redact` cleans
   * every string of every event before it is written or shown (known secrets).
   */
  static async open(file: string, runId: string, clock: Clock = systemClock, redact?: Redact): Promise<EventLog> {
    await mkdir(dirname(file), { recursive: true });
    const contents = await readEventLog(file);
    const handle = await open(file, 'a+');
    try {
      if (contents.tornTail !== undefined) {
        await handle.truncate(contents.validBytes);
        await handle.sync();
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new EventLog(file, runId, handle, clock, [...contents.events], contents.tornTail !== undefined, redact);
  }

  get events(): readonly OrchEvent[] {
    return this.history;
  }

  get lastSeq(): number {
    return this.history.length;
  }

  /**
   * Assigns the envelope, appends, and resolves once the event is durable. Listeners see the
   * event right away (in order), so live views are not held back by the disk.
   */
  append(body: NewEvent): Promise<OrchEvent> {
    if (this.closed) return Promise.reject(new Error(`event log ${this.file} is closed`));
    // After a failed write the in-memory sequence is ahead of the disk: refuse rather than
    // let later events claim sequence numbers the file never got.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the write's own failure, as the file system gave it.
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const clean = this.redact === undefined ? body : redactDeep(body, this.redact);
    const event = { ...clean, seq: this.history.length + 1, at: this.clock.now().toISOString(), runId: this.runId } as OrchEvent;
    this.history.push(event);
    const written = new Promise<void>((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(event)}\n`, event, done: { resolve, reject } });
    });
    this.scheduleFlush();
    for (const listener of this.listeners) listener(event);
    return written.then(() => event);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits for everything appended so far to be durable. */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    this.listeners.clear();
    await this.handle.close();
  }

  private scheduleFlush(): void {
    if (this.flushing !== undefined) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.scheduleFlush();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.handle.appendFile(batch.map((p) => p.line).join(''));
        await this.handle.datasync();
        for (const p of batch) p.done.resolve();
      } catch (error) {
        this.failure = error;
        for (const p of [...batch, ...this.queue]) p.done.reject(error);
        this.queue = [];
      }
    }
  }
}
