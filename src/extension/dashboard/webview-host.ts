import type { AgentsReply, RunSummary, ToClientMessage } from '../../protocol/dashboard-messages';
import { parsePageMessage, type HostMessage, type NavigateMessage, type RunAction } from '../../protocol/webview-messages';
import type { ApiReply } from '../../protocol/dashboard-messages';
import type { RunHistory } from '../../protocol/run-history';
import { DashboardSession } from '../../orchestrator/views/dashboard-session';
import type { RunTails } from '../../orchestrator/views/run-tails';

export interface WebviewHostOptions {
  readonly tails: RunTails;
  readonly listRuns: () => Promise<readonly RunSummary[]>;
  /** The same core functions the HTTP server's run routes call. */
  readonly control: (runId: string, action: RunAction) => Promise<ApiReply<unknown>>;
  /** A task's open question answered, as the HTTP server's answers route does it. */
  readonly answer: (runId: string, task: string, text: string) => Promise<ApiReply<unknown>>;
  /** Gives an open defect to another agent, as the server's reassign route does. */
  readonly reassignDefect: (runId: string, defectId: string, to: { readonly agent: string; readonly model?: string }) => Promise<ApiReply<unknown>>;
  /** A file of a run's evidence as a data: URL, as the server's evidence route reads it. */
  readonly evidence: (runId: string, file: string) => Promise<ApiReply<string>>;
  /** The agent registry, as the HTTP server's `GET /api/agents` reads it. */
  readonly listAgents: () => Promise<AgentsReply>;
  /** The runs of a roadmap, as the HTTP server's `GET /api/v1/history` reads them. */
  readonly history: (roadmap: string) => Promise<RunHistory>;
  readonly post: (message: HostMessage) => void;
  readonly onProblem: (message: string) => void;
}

/**
 * The host side of the dashboard's postMessage transport, free of `vscode` so it is tested on
 * its own: a page's `ready` is its handshake (the webview is the extension's own, so there is no
 * token), after which it gets what a WebSocket client gets, from the same session logic.
 */
export class WebviewHost {
  private session: DashboardSession | undefined;
  private lastRuns = '';
  /** Whether the page has its run list: a navigate sent earlier would pick a run it does not know yet. */
  private greeted = false;
  private pendingNavigate: NavigateMessage | undefined;

  constructor(private readonly options: WebviewHostOptions) {}

  /** Takes one message the page posted, untrusted until parsed. */
  receive(value: unknown): void {
    const parsed = parsePageMessage(value);
    if (!parsed.ok) {
      this.options.onProblem(`dashboard page: ${parsed.error}`);
      this.post({ type: 'error', message: parsed.error });
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'ready':
        this.greet();
        return;
      case 'subscribe':
        if (this.session === undefined) return this.post({ type: 'error', message: 'subscribe before ready' });
        void this.session.subscribe(message);
        return;
      case 'control':
        void this.options
          .control(message.runId, message.action)
          .catch((error: unknown): ApiReply<unknown> => ({ ok: false, error: error instanceof Error ? error.message : String(error) }))
          .then((reply) => this.post({ type: 'reply', id: message.id, reply }));
        return;
      case 'answer':
        void this.options
          .answer(message.runId, message.task, message.text)
          .catch((error: unknown): ApiReply<unknown> => ({ ok: false, error: error instanceof Error ? error.message : String(error) }))
          .then((reply) => this.post({ type: 'reply', id: message.id, reply }));
        return;
      case 'reassignDefect':
        void this.options
          .reassignDefect(message.runId, message.defectId, { agent: message.agent, ...(message.model === undefined ? {} : { model: message.model }) })
          .catch((error: unknown): ApiReply<unknown> => ({ ok: false, error: error instanceof Error ? error.message : String(error) }))
          .then((reply) => this.post({ type: 'reply', id: message.id, reply }));
        return;
      case 'evidence':
        void this.options
          .evidence(message.runId, message.file)
          .catch((error: unknown): ApiReply<unknown> => ({ ok: false, error: error instanceof Error ? error.message : String(error) }))
          .then((reply) => this.post({ type: 'reply', id: message.id, reply }));
        return;
      case 'agents':
        void this.options
          .listAgents()
          .then((value): ApiReply<AgentsReply> => ({ ok: true, value }))
          .catch((error: unknown): ApiReply<AgentsReply> => ({ ok: false, error: `could not read the agent registry: ${error instanceof Error ? error.message : String(error)}` }))
          .then((reply) => this.post({ type: 'agents', id: message.id, reply }));
        return;
      case 'history':
        void this.options
          .history(message.roadmap)
          .then((value): ApiReply<unknown> => ({ ok: true, value }))
          .catch((error: unknown): ApiReply<unknown> => ({ ok: false, error: `could not read the run history: ${error instanceof Error ? error.message : String(error)}` }))
          .then((reply) => this.post({ type: 'reply', id: message.id, reply }));
        return;
    }
  }

  private greet(): void {
    // A reloaded page (the panel was hidden and shown) starts over: drop the old stream.
    this.session?.dispose();
    const session = new DashboardSession({ tails: this.options.tails, listRuns: this.options.listRuns, send: (m) => this.post(m) });
    this.session = session;
    this.lastRuns = '';
    this.greeted = false;
    void session.hello().then(() => {
      if (this.session !== session) return;
      this.greeted = true;
      this.flushNavigate();
    });
  }

  /** Tells a ready page the run list when it changed (a run started or finished). */
  async refreshRuns(): Promise<void> {
    if (this.session === undefined) return;
    const runs = await this.options.listRuns();
    const text = JSON.stringify(runs);
    if (text === this.lastRuns) return;
    this.lastRuns = text;
    this.session.send({ type: 'runs', runs });
  }

  /**
   * Shows a level of the dashboard: now if the page is ready, else once it has said `ready` and
   * has its run list (a panel being created or a hidden one reloading). Only the latest counts.
   */
  navigate(target: Omit<NavigateMessage, 'type'>): void {
    this.pendingNavigate = { type: 'navigate', ...target };
    this.flushNavigate();
  }

  /** The page went away (panel hidden or closed): stop streaming to it. */
  detach(): void {
    this.session?.dispose();
    this.session = undefined;
    this.greeted = false;
  }

  private flushNavigate(): void {
    const message = this.pendingNavigate;
    if (message === undefined || this.session === undefined || !this.greeted) return;
    this.pendingNavigate = undefined;
    this.post(message);
  }

  private post(message: ToClientMessage | HostMessage): void {
    if (message.type === 'authenticated') this.lastRuns = JSON.stringify(message.runs);
    this.options.post(message);
  }
}
