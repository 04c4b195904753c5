import type { AgentsReply, ApiReply, RunSummary, ToClientMessage } from '../../../src/protocol/dashboard-messages';
import { foldEvent } from '../../../src/protocol/fold';
import type { RunHistory } from '../../../src/protocol/run-history';
import type { RunSnapshot } from '../../../src/protocol/run-snapshot';
import { needsClock } from '../lib/live-time';
import type { RunAction } from '../../../src/protocol/webview-messages';
import type { DashboardTransport, TransportStatus } from '../transport/transport';
import { Clock } from './clock.svelte';

/**
 * What the dashboard shows: the run list and one run's snapshot, kept current by folding the
 * event stream with the same `foldEvent` the core uses. Snapshots are immutable, so they are
 * held as raw state and replaced whole: no deep proxies over a run of 500 tasks.
 */
export class DashboardState {
  runs = $state.raw<readonly RunSummary[]>([]);
  runId = $state<string | undefined>(undefined);
  snapshot = $state.raw<RunSnapshot | undefined>(undefined);
  status = $state<TransportStatus>('connecting');
  detail = $state<string | undefined>(undefined);
  /** The last error the server reported, shown until the next successful update. */
  error = $state<string | undefined>(undefined);
  /** The agent registry, once asked for (the Agents view asks when it opens). */
  agents = $state.raw<ApiReply<AgentsReply> | undefined>(undefined);
  /** Opened with a read token: the page offers no controls (the server would refuse them with 403). */
  readOnly = $state(false);
  /** Drives the live durations; ticks only while an attempt of the open run is running. */
  readonly clock = new Clock();

  constructor(private readonly transport: DashboardTransport) {}

  start(): void {
    this.transport.start({
      status: (status, detail) => {
        this.status = status;
        this.detail = detail;
      },
      message: (message) => this.receive(message),
      showRun: (runId) => this.selectRun(runId),
    });
  }

  control(runId: string, action: RunAction): Promise<ApiReply<unknown>> {
    return this.transport.control(runId, action);
  }

  answer(runId: string, task: string, text: string): Promise<ApiReply<unknown>> {
    return this.transport.answer(runId, task, text);
  }

  reassignDefect(runId: string, defectId: string, to: { readonly agent: string; readonly model?: string }): Promise<ApiReply<unknown>> {
    return this.transport.reassignDefect(runId, defectId, to);
  }

  evidence(runId: string, file: string): Promise<ApiReply<string>> {
    return this.transport.evidence(runId, file);
  }

  /** The runs of a roadmap (the learning curve): an error reply when the host cannot read them. */
  history(roadmap: string): Promise<ApiReply<RunHistory>> {
    return this.transport.history(roadmap);
  }

  async loadAgents(): Promise<void> {
    this.agents = await this.transport.agents();
  }

  stop(): void {
    this.transport.stop();
    this.clock.stop();
  }

  selectRun(runId: string): void {
    if (runId === this.runId) return;
    this.runId = runId;
    this.show(undefined);
    this.transport.subscribe(runId, 0);
  }

  private receive(message: ToClientMessage): void {
    switch (message.type) {
      case 'authenticated':
        this.readOnly = message.scope === 'read';
        this.runs = message.runs;
        this.followRun();
        // After a reconnect, ask only for what was missed.
        if (this.runId !== undefined) this.transport.subscribe(this.runId, this.snapshot?.runId === this.runId ? this.snapshot.lastSeq : 0);
        return;
      case 'runs':
        this.runs = message.runs;
        if (this.runId === undefined) {
          this.followRun();
          if (this.runId !== undefined) this.transport.subscribe(this.runId, 0);
        }
        return;
      case 'snapshot':
        if (message.runId !== this.runId) return;
        this.show(message.snapshot ?? undefined);
        this.error = undefined;
        return;
      case 'events': {
        if (message.runId !== this.runId) return;
        let next = this.snapshot;
        for (const event of message.events) {
          // A gap means a message was lost: ask again from what we have rather than guess.
          if (event.seq > (next?.lastSeq ?? 0) + 1) {
            this.transport.subscribe(message.runId, next?.lastSeq ?? 0);
            break;
          }
          next = foldEvent(next, event);
        }
        this.show(next);
        return;
      }
      case 'error':
        this.error = message.message;
        return;
      case 'agents':
        // A reply to a request: the transport settles it.
        return;
    }
  }

  /** Keeps the chosen run while it exists, else follows the newest. */
  private followRun(): void {
    if (this.runId !== undefined && this.runs.some((r) => r.runId === this.runId)) return;
    this.runId = this.runs[0]?.runId;
    this.show(undefined);
  }

  private show(snapshot: RunSnapshot | undefined): void {
    this.snapshot = snapshot;
    this.clock.follow(needsClock(snapshot));
  }
}
