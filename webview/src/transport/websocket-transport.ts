import type { AgentsReply, ApiReply, ToClientMessage, ToServerMessage } from '../../../src/protocol/dashboard-messages';
import type { RunHistory } from '../../../src/protocol/run-history';
import type { RunAction } from '../../../src/protocol/webview-messages';
import type { DashboardTransport, TransportListener } from './transport';

/** Close code the server uses for a missing or wrong token (policy violation). */
const POLICY = 1008;
const MAX_BACKOFF_MS = 5000;
/** A request the server never answers (the connection dropped) fails instead of hanging. */
const REPLY_TIMEOUT_MS = 30_000;

/** `orch serve`: WebSocket for the stream (token in the first message), fetch for commands. */
export class WebSocketTransport implements DashboardTransport {
  private socket: WebSocket | undefined;
  private listener: TransportListener | undefined;
  private backoffMs = 250;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: ApiReply<AgentsReply>) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly token: string,
    private readonly origin: string = location.origin,
  ) {}

  start(listener: TransportListener): void {
    this.listener = listener;
    this.connect();
  }

  subscribe(runId: string, after: number): void {
    this.send({ type: 'subscribe', runId, after });
  }

  control(runId: string, action: RunAction): Promise<ApiReply<unknown>> {
    return this.post(`/api/runs/${encodeURIComponent(runId)}/${action}`);
  }

  answer(runId: string, task: string, text: string): Promise<ApiReply<unknown>> {
    return this.post(`/api/v1/runs/${encodeURIComponent(runId)}/answers`, { task, text });
  }

  reassignDefect(runId: string, defectId: string, to: { readonly agent: string; readonly model?: string }): Promise<ApiReply<unknown>> {
    return this.post(`/api/v1/runs/${encodeURIComponent(runId)}/defects/${encodeURIComponent(defectId)}/reassign`, to);
  }

  /** An image cannot send the token: it is fetched with it and shown from memory. */
  async evidence(runId: string, file: string): Promise<ApiReply<string>> {
    try {
      const response = await fetch(`${this.origin}/api/v1/runs/${encodeURIComponent(runId)}/evidence/${encodeURIComponent(file)}`, { headers: { Authorization: `Bearer ${this.token}` } });
      if (!response.ok) return (await response.json()) as ApiReply<string>;
      return { ok: true, value: URL.createObjectURL(await response.blob()) };
    } catch (error) {
      return { ok: false, error: `could not fetch ${file}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** A control route: every reply, refusals included, is the API's `{ok, ...}` shape. */
  private async post(path: string, body?: unknown): Promise<ApiReply<unknown>> {
    const response = await fetch(`${this.origin}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as ApiReply<unknown>;
  }

  async history(roadmap: string): Promise<ApiReply<RunHistory>> {
    try {
      const response = await fetch(`${this.origin}/api/v1/history?roadmap=${encodeURIComponent(roadmap)}`, { headers: { Authorization: `Bearer ${this.token}` } });
      return (await response.json()) as ApiReply<RunHistory>;
    } catch (error) {
      return { ok: false, error: `could not ask orch serve for the run history: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  agents(): Promise<ApiReply<AgentsReply>> {
    if (this.socket?.readyState !== WebSocket.OPEN) return Promise.resolve({ ok: false, error: 'not connected to orch serve' });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, { ok: false, error: `orch serve did not answer within ${REPLY_TIMEOUT_MS / 1000} s` }), REPLY_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
      this.send({ type: 'agents', id });
    });
  }

  stop(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error: 'the dashboard closed before orch serve answered' });
    this.stopped = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.socket?.close();
  }

  private connect(): void {
    const socket = new WebSocket(`${this.origin.replace(/^http/, 'ws')}/ws`);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: this.token } satisfies ToServerMessage));
    socket.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as ToClientMessage;
      if (message.type === 'agents') return this.settle(message.id, message.reply);
      if (message.type === 'authenticated') {
        this.backoffMs = 250;
        this.listener?.status('open');
      }
      this.listener?.message(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error: `connection lost (${event.code}) before orch serve answered` });
      if (event.code === POLICY) {
        this.listener?.status('unauthorized', event.reason || 'the server refused the token');
        return;
      }
      this.listener?.status('reconnecting', `connection lost (${event.code}); retrying`);
      this.retry = setTimeout(() => this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    };
  }

  private settle(id: number, reply: ApiReply<AgentsReply>): void {
    const request = this.pending.get(id);
    if (request === undefined) return;
    this.pending.delete(id);
    clearTimeout(request.timer);
    request.resolve(reply);
  }

  private send(message: ToServerMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
