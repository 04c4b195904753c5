import type { RunSummary, SubscribeMessage, ToClientMessage } from '../../protocol/dashboard-messages';
import type { RunTails } from './run-tails';

export interface DashboardSessionOptions {
  readonly tails: RunTails;
  readonly listRuns: () => Promise<readonly RunSummary[]>;
  /** Delivers one message to the page; the transport decides how (socket, postMessage). */
  readonly send: (message: ToClientMessage) => void;
}

/**
 * What one dashboard page is owed once it is trusted, whatever carries it: the run list, then
 * for the run it follows a snapshot (or the events it missed) and every event after, exactly
 * once and in order. The WebSocket server and the VS Code panel both drive this.
 */
export class DashboardSession {
  private unsubscribe: (() => void) | undefined;
  /** Serialises requests so a slow subscribe cannot deliver after a newer one. */
  private work: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: DashboardSessionOptions) {}

  /** Greets a newly trusted page with the run list, and with its scope when it has a token that may not control runs. */
  hello(scope?: 'read' | 'control'): Promise<void> {
    return this.enqueue(async () => this.send({ type: 'authenticated', runs: await this.options.listRuns(), ...(scope === undefined ? {} : { scope }) }));
  }

  subscribe(message: SubscribeMessage): Promise<void> {
    return this.enqueue(() => this.follow(message));
  }

  send(message: ToClientMessage): void {
    if (!this.disposed) this.options.send(message);
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.work = this.work.then(step).catch((error: unknown) => this.send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
    return this.work;
  }

  private async follow(message: SubscribeMessage): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const tail = await this.options.tails.get(message.runId);
    if (tail === undefined) return this.send({ type: 'error', message: `no run ${JSON.stringify(message.runId)} in this workspace` });
    if (this.disposed) return;
    // From here to subscribe() nothing awaits, so no event can slip between the catch-up and
    // the live stream: the page gets every event after `after` exactly once.
    if (message.after === 0 || message.after > tail.lastSeq) {
      this.send({ type: 'snapshot', runId: message.runId, snapshot: tail.snapshot ?? null });
    } else {
      const missed = tail.eventsAfter(message.after);
      if (missed.length > 0) this.send({ type: 'events', runId: message.runId, events: missed });
    }
    this.unsubscribe = tail.subscribe((events, replaced) =>
      // Events of a replaced log would not fold onto what the page holds: it starts over too.
      this.send(replaced ? { type: 'snapshot', runId: message.runId, snapshot: tail.snapshot ?? null } : { type: 'events', runId: message.runId, events }),
    );
  }
}
