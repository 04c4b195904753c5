import type { OrchEvent } from '../../protocol/events';
import { foldEvent } from '../../protocol/fold';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { LogFollower } from '../events/log-follower';

/** `replaced`: the log was replaced by another and `events` start it over; the fold is the new log's. */
type Listener = (events: readonly OrchEvent[], replaced: boolean) => void;

/**
 * One run's log as the dashboards need it: the events so far (for a page catching up), their
 * fold, and each new event handed to listeners exactly once, in sequence order. Reading and
 * following the file is the LogFollower's job; fs.watch wakes it, the poll covers lost events.
 */
export class RunTail {
  private history: OrchEvent[] = [];
  private folded: RunSnapshot | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly follower: LogFollower;
  private replaced = false;

  private constructor(
    readonly file: string,
    pollMs: number,
    private readonly onProblem: (message: string) => void,
  ) {
    this.follower = new LogFollower(file, { pollMs, onProblem, onEvents: (events) => this.take(events), onReset: () => this.reset() });
  }

  static async open(file: string, options: { readonly pollMs: number; readonly onProblem: (message: string) => void }): Promise<RunTail> {
    const tail = new RunTail(file, options.pollMs, options.onProblem);
    try {
      await tail.follower.start();
    } catch (error) {
      tail.close();
      throw error;
    }
    return tail;
  }

  get lastSeq(): number {
    return this.history.length;
  }

  get snapshot(): RunSnapshot | undefined {
    return this.folded;
  }

  /** Events with a sequence number above `seq` (sequence numbers are 1-based and gap-free). */
  eventsAfter(seq: number, limit = Number.MAX_SAFE_INTEGER): readonly OrchEvent[] {
    return this.history.slice(seq, seq + limit);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads whatever was appended; concurrent calls share one read and trigger one more. */
  refresh(): Promise<void> {
    return this.follower.refresh();
  }

  close(): void {
    this.follower.close();
    this.listeners.clear();
  }

  private take(events: readonly OrchEvent[]): void {
    for (const event of events) {
      this.history.push(event);
      this.folded = foldEvent(this.folded, event);
    }
    const replaced = this.replaced;
    this.replaced = false;
    for (const listener of this.listeners) listener(events, replaced);
  }

  private reset(): void {
    this.history = [];
    this.folded = undefined;
    this.replaced = true;
    this.onProblem(`${this.file}: the log was replaced by another; following it from its first event`);
  }
}
