import type { ApiReply, ToClientMessage, ToServerMessage } from '../../../src/protocol/dashboard-messages';
import type { DashboardTransport, RunAction, TransportListener } from './transport';

/** Close code the server uses for a missing or wrong token (policy violation). */
const POLICY = 1008;
const MAX_BACKOFF_MS = 5000;

/** `orch serve`: WebSocket for the stream (token in the first message), fetch for commands. */
export class WebSocketTransport implements DashboardTransport {
  private socket: WebSocket | undefined;
  private listener: TransportListener | undefined;
  private backoffMs = 250;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

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

  async control(runId: string, action: RunAction): Promise<ApiReply<unknown>> {
    const response = await fetch(`${this.origin}/api/runs/${encodeURIComponent(runId)}/${action}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}` },
    });
    return (await response.json()) as ApiReply<unknown>;
  }

  stop(): void {
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
      if (message.type === 'authenticated') {
        this.backoffMs = 250;
        this.listener?.status('open');
      }
      this.listener?.message(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      if (event.code === POLICY) {
        this.listener?.status('unauthorized', event.reason || 'the server refused the token');
        return;
      }
      this.listener?.status('reconnecting', `connection lost (${event.code}); retrying`);
      this.retry = setTimeout(() => this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    };
  }

  private send(message: ToServerMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
