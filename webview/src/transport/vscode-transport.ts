import type { AgentsReply, ApiReply } from '../../../src/protocol/dashboard-messages';
import type { RunHistory } from '../../../src/protocol/run-history';
import { parseHostMessage, type PageMessage, type RunAction } from '../../../src/protocol/webview-messages';
import { hrefTo } from '../state/hash-router.svelte';
import type { DashboardTransport, TransportListener } from './transport';

/** What VS Code gives a webview page through `acquireVsCodeApi()` (callable once per page). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** A command the host never answers (its extension host died) fails instead of hanging. */
const REPLY_TIMEOUT_MS = 60_000;

/**
 * Inside a VS Code webview: the stream and the commands both travel by postMessage to the
 * extension host. The page says `ready`; the host answers as the WebSocket server does after
 * `auth` (run list, then snapshot and events per subscribe). Everything the host posts is
 * validated before the app sees it.
 */
export class VsCodeTransport implements DashboardTransport {
  private listener: TransportListener | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: ApiReply<unknown>) => void; timer: ReturnType<typeof setTimeout> }>();
  private readonly onMessage = (event: MessageEvent<unknown>): void => this.receive(event.data);

  constructor(private readonly api: VsCodeApi) {}

  start(listener: TransportListener): void {
    this.listener = listener;
    listener.status('connecting');
    window.addEventListener('message', this.onMessage);
    this.post({ type: 'ready' });
  }

  subscribe(runId: string, after: number): void {
    this.post({ type: 'subscribe', runId, after });
  }

  control(runId: string, action: RunAction): Promise<ApiReply<unknown>> {
    return this.request(action, (id) => ({ type: 'control', id, runId, action }));
  }

  answer(runId: string, task: string, text: string): Promise<ApiReply<unknown>> {
    return this.request('answer', (id) => ({ type: 'answer', id, runId, task, text }));
  }

  reassignDefect(runId: string, defectId: string, to: { readonly agent: string; readonly model?: string }): Promise<ApiReply<unknown>> {
    return this.request('reassign', (id) => ({ type: 'reassignDefect', id, runId, defectId, ...to }));
  }

  async evidence(runId: string, file: string): Promise<ApiReply<string>> {
    const reply = await this.request('evidence', (id) => ({ type: 'evidence', id, runId, file }));
    // Only an image the host read is shown: nothing else may become an image's address.
    return reply.ok && (typeof reply.value !== 'string' || !reply.value.startsWith('data:')) ? { ok: false, error: 'VS Code sent no image' } : (reply as ApiReply<string>);
  }

  async agents(): Promise<ApiReply<AgentsReply>> {
    // parseHostMessage checked the answer's fields against the agents schema.
    return (await this.request('agents', (id) => ({ type: 'agents', id }))) as ApiReply<AgentsReply>;
  }

  async history(roadmap: string): Promise<ApiReply<RunHistory>> {
    // The host is the extension's own and reads the same fold the server does.
    return (await this.request('history', (id) => ({ type: 'history', id, roadmap }))) as ApiReply<RunHistory>;
  }

  private request(what: string, message: (id: number) => PageMessage): Promise<ApiReply<unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: `VS Code did not answer the ${what} request within ${REPLY_TIMEOUT_MS / 1000} s` });
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
      this.post(message(id));
    });
  }

  stop(): void {
    window.removeEventListener('message', this.onMessage);
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      request.resolve({ ok: false, error: 'the dashboard closed before VS Code answered' });
      this.pending.delete(id);
    }
  }

  private receive(data: unknown): void {
    const parsed = parseHostMessage(data);
    if (!parsed.ok) {
      this.listener?.message({ type: 'error', message: `VS Code sent a message the dashboard does not understand (${parsed.error})` });
      return;
    }
    const message = parsed.message;
    if (message.type === 'reply' || message.type === 'agents') {
      const request = this.pending.get(message.id);
      if (request === undefined) return;
      this.pending.delete(message.id);
      clearTimeout(request.timer);
      request.resolve(message.reply);
      return;
    }
    if (message.type === 'navigate') {
      // The run first, so the level's page renders against the run the tree item belongs to.
      if (message.runId !== undefined) this.listener?.showRun?.(message.runId);
      const href = hrefTo(message.level, message.id);
      if (location.hash !== href) location.hash = href;
      return;
    }
    if (message.type === 'authenticated') this.listener?.status('open');
    this.listener?.message(message);
  }

  private post(message: PageMessage): void {
    this.api.postMessage(message);
  }
}
