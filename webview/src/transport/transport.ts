import type { AgentsReply, ApiReply, ToClientMessage } from '../../../src/protocol/dashboard-messages';
import type { RunHistory } from '../../../src/protocol/run-history';
import type { RunAction } from '../../../src/protocol/webview-messages';

// The one seam between the app and its host. The browser build talks WebSocket + HTTP to
// `orch serve`; the VS Code webview will implement the same interface over postMessage, so
// nothing above this file knows which one it runs on.

export type TransportStatus = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

export interface TransportListener {
  message(message: ToClientMessage): void;
  /** `open` is also sent after every reconnect: the listener re-subscribes from its last seq. */
  status(status: TransportStatus, detail?: string): void;
  /** The host asks to show this run (VS Code's "Open in Dashboard" on a tree item). */
  showRun?(runId: string): void;
}

export interface DashboardTransport {
  start(listener: TransportListener): void;
  subscribe(runId: string, after: number): void;
  control(runId: string, action: RunAction): Promise<ApiReply<unknown>>;
  /** Answers a task's open question (what `orch answer` does); an error reply when refused. */
  answer(runId: string, task: string, text: string): Promise<ApiReply<unknown>>;
  /** Gives an open defect to another agent (and model) from the task's next attempt. */
  reassignDefect(runId: string, defectId: string, to: { readonly agent: string; readonly model?: string }): Promise<ApiReply<unknown>>;
  /** A file of the run's evidence (a screenshot) as an address an image shows (blob: or data:); an error reply when it cannot be had. */
  evidence(runId: string, file: string): Promise<ApiReply<string>>;
  /** The agent registry; an error reply (never a rejection) when it cannot be had. */
  agents(): Promise<ApiReply<AgentsReply>>;
  /** The runs of a roadmap, oldest first (the learning curve); an error reply when it cannot be had. */
  history(roadmap: string): Promise<ApiReply<RunHistory>>;
  stop(): void;
}
