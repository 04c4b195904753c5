import { LogFollower } from '../orchestrator/events/log-follower';
import { foldEvent } from '../protocol/fold';
import type { RunSnapshot } from '../protocol/run-snapshot';

/**
 * Folds one run's events.jsonl as another process appends to it, for the editor's views: the
 * LogFollower reads only new complete lines when the OS reports a change (no polling here) and
 * hands over each event once; a log replaced by another is folded again from its start.
 */
export class RunFollower {
  private snapshot: RunSnapshot | undefined;
  private readonly follower: LogFollower;
  private disposed = false;

  constructor(
    readonly file: string,
    private readonly onChange: (snapshot: RunSnapshot | undefined) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    this.follower = new LogFollower(file, {
      onEvents: (events) => {
        for (const event of events) this.snapshot = foldEvent(this.snapshot, event);
        if (!this.disposed) this.onChange(this.snapshot);
      },
      onReset: () => {
        this.snapshot = undefined;
      },
      // The writer validates; a view only has to survive a bad line, and say where it was.
      onProblem: (message) => this.onError(new Error(message)),
      onError,
    });
  }

  get current(): RunSnapshot | undefined {
    return this.snapshot;
  }

  /** Reads what is there now, then follows. Resolves once the first read is folded. */
  async start(): Promise<void> {
    await this.follower.start().catch(this.onError);
  }

  /** Reads new lines now; calls coalesce while a read is in flight. */
  refresh(): void {
    if (this.disposed) return;
    this.follower.refresh().catch(this.onError);
  }

  dispose(): void {
    this.disposed = true;
    this.follower.close();
  }
}
