import type { RawData, WebSocket } from 'ws';
import { parseToServerMessage, type AgentsReply, type RunSummary, type ToClientMessage } from '../protocol/dashboard-messages';
import type { AuthRateLimiter } from './auth-rate-limiter';
import { DashboardSession } from '../orchestrator/views/dashboard-session';
import type { Principal, TokenRegistry } from './principal';
import { failedAuthentication } from './request-guard';
import type { RunTails } from '../orchestrator/views/run-tails';

export interface SessionOptions {
  readonly tokens: TokenRegistry;
  readonly limiter: AuthRateLimiter;
  readonly tails: RunTails;
  readonly listRuns: () => Promise<readonly RunSummary[]>;
  /** The agent registry, as `GET /api/agents` returns it. */
  readonly listAgents: () => Promise<AgentsReply>;
  readonly authTimeoutMs: number;
}

/** WebSocket close code for a policy violation (RFC 6455 §7.4.1). */
const POLICY = 1008;
/** "Try again later": the client reconnects and resumes from its last sequence number. */
const TRY_AGAIN_LATER = 1013;
/** A client this far behind is not reading; dropping it bounds the server's memory. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/**
 * One dashboard connection. The token travels in the first message, not the URL (URLs end up
 * in logs and history) and not a subprotocol header (the VS Code transport has no headers):
 * until it arrives the socket gets nothing, and a wrong or late one closes it.
 */
export class WsSession {
  private principal: Principal | undefined;
  private readonly authTimer: NodeJS.Timeout;
  private readonly session: DashboardSession;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: SessionOptions,
  ) {
    this.session = new DashboardSession({ tails: options.tails, listRuns: options.listRuns, send: (message) => this.send(message) });
    this.authTimer = setTimeout(() => socket.close(POLICY, 'authentication timed out'), options.authTimeoutMs);
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('close', () => this.dispose());
    socket.on('error', () => this.dispose());
  }

  get isAuthenticated(): boolean {
    return this.principal !== undefined;
  }

  /** Closes the socket if the token it authenticated with has been revoked or has expired. */
  dropIfRevoked(): void {
    if (this.principal === undefined || this.options.tokens.stillValid(this.principal)) return;
    this.principal = undefined;
    this.socket.close(POLICY, 'token revoked or expired');
  }

  send(message: ToClientMessage): void {
    if (this.principal === undefined || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(TRY_AGAIN_LATER, 'client too slow; reconnect and resume');
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const parsed = isBinary ? { ok: false as const, error: 'binary messages are not accepted' } : parseToServerMessage(rawText(data));
    if (this.principal === undefined) {
      if (!parsed.ok || parsed.message.type !== 'auth') {
        this.socket.close(POLICY, 'authentication required');
        return;
      }
      const principal = this.options.tokens.resolve(parsed.message.token);
      if (principal === undefined) {
        this.socket.close(POLICY, failedAuthentication(this.options.limiter, 'invalid token').error);
        return;
      }
      clearTimeout(this.authTimer);
      this.principal = principal;
      void this.session.hello(principal.scope);
      return;
    }
    if (!parsed.ok) return this.send({ type: 'error', message: parsed.error });
    const message = parsed.message;
    if (message.type === 'subscribe') void this.session.subscribe(message);
    if (message.type === 'agents') void this.answerAgents(message.id);
  }

  private async answerAgents(id: number): Promise<void> {
    try {
      this.send({ type: 'agents', id, reply: { ok: true, value: await this.options.listAgents() } });
    } catch (error) {
      this.send({ type: 'agents', id, reply: { ok: false, error: `could not read the agent registry: ${error instanceof Error ? error.message : String(error)}` } });
    }
  }

  private dispose(): void {
    clearTimeout(this.authTimer);
    this.session.dispose();
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
