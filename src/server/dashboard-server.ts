import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { homedir } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { workspacePaths } from '../orchestrator/workspace/workspace-paths';
import { AuthRateLimiter } from './auth-rate-limiter';
import { readDashboardFile, removeDashboardFile, writeDashboardFile } from './dashboard-file';
import { handleRequest } from './handle-request';
import { listenOnFreePort } from './listen';
import { listRuns } from '../orchestrator/views/list-runs';
import { readAgents } from '../orchestrator/views/read-agents';
import { sendError } from './reply';
import { checkHost, checkOrigin, type GuardConfig } from './request-guard';
import { RunTails } from '../orchestrator/views/run-tails';
import type { OrchCommand, ServerContext } from './server-context';
import { WsSession } from './ws-session';
import { auditFile } from '../orchestrator/audit/audit-entry';
import { tokensFile } from '../orchestrator/tokens/token-store';
import { buildOpenApiDocument } from './openapi';
import { TokenRegistry } from './principal';
import { API_ROUTES } from './routes';

/** The /api/v1 document's version: the API's, not the package's (a new route bumps the minor). */
const API_VERSION = '1.0.0';

export interface DashboardServerOptions {
  readonly workspace: string;
  /** Default 8080, or the next free port above it; 0 lets the system choose. */
  readonly port?: number;
  /** The built webview (`media/webview/`). */
  readonly staticDir: string;
  /** Orch's built-in `agents/` folder. */
  readonly builtinAgentsDir: string;
  readonly homeDir?: string;
  /** Wrong tokens per minute (all clients together) before 429; the right token always passes. */
  readonly maxAuthFailuresPerMinute?: number;
  /** Largest WebSocket message a client may send; a bigger one closes the socket (1009). */
  readonly maxPayloadBytes?: number;
  readonly authTimeoutMs?: number;
  /** How often logs and the run list are re-read when no file-system event arrived. */
  readonly pollMs?: number;
  readonly onProblem?: (message: string) => void;
  /** How to start `orch run` for `POST /api/v1/runs`; without it the route answers 501. */
  readonly orch?: OrchCommand;
  /** How often open sockets are checked against revoked and expired tokens. */
  readonly tokenCheckMs?: number;
}

export interface DashboardServer {
  /** `http://127.0.0.1:PORT/`, without the token. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** The dashboard and its API for one workspace (docs/design.md §5). */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const paths = workspacePaths(options.workspace);
  const token = randomBytes(16).toString('hex');
  const onProblem = options.onProblem ?? (() => undefined);
  const pollMs = options.pollMs ?? 1000;
  const limiter = new AuthRateLimiter({ maxFailures: options.maxAuthFailuresPerMinute ?? 20, windowMs: 60_000 });
  const tails = new RunTails(paths, pollMs, onProblem);
  const sessions = new Set<WsSession>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 64 * 1024 });
  const server = createServer();
  // Handlers are attached right after listen() resolves, before any connection can be read.
  const port = await listenOnFreePort(server, options.port ?? 8080);
  const tokens = new TokenRegistry(token, tokensFile(paths), onProblem);
  const context: ServerContext = {
    paths,
    port,
    tails,
    staticDir: options.staticDir,
    builtinAgentsDir: options.builtinAgentsDir,
    homeDir: options.homeDir ?? homedir(),
    auditFile: auditFile(paths),
    openApi: buildOpenApiDocument(API_ROUTES, API_VERSION),
    ...(options.orch === undefined ? {} : { orch: options.orch }),
  };
  const guard: GuardConfig = { port, tokens, limiter };

  server.on('request', (req, res) => {
    handleRequest(req, res, context, guard).catch((error: unknown) => {
      onProblem(`${req.method ?? ''} ${req.url ?? ''}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) sendError(res, 500, 'internal error; see the orch serve output');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(req, port);
    if (refusal !== undefined) return rejectUpgrade(socket, refusal.status, refusal.error);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const session = new WsSession(ws, {
        tokens,
        limiter,
        tails,
        listRuns: () => listRuns(paths),
        listAgents: () => readAgents({ workspace: paths.root, builtinAgentsDir: options.builtinAgentsDir, homeDir: context.homeDir }),
        authTimeoutMs: options.authTimeoutMs ?? 5000,
      });
      sessions.add(session);
      ws.on('close', () => sessions.delete(session));
    });
  });

  const url = `http://127.0.0.1:${port}/`;

  // The run list changes when a run starts or finishes; re-read it while anyone is watching.
  let lastRuns = '';
  const runsPoll = setInterval(() => {
    const watching = [...sessions].filter((s) => s.isAuthenticated);
    if (watching.length === 0) return;
    listRuns(paths)
      .then((runs) => {
        const text = JSON.stringify(runs);
        if (text === lastRuns) return;
        lastRuns = text;
        for (const s of watching) s.send({ type: 'runs', runs });
      })
      .catch((error: unknown) => onProblem(String(error)));
  }, Math.max(pollMs, 1000));
  runsPoll.unref();

  // A revoked or expired token loses its sockets at once, not at its next reconnect.
  const tokenCheck = setInterval(() => {
    for (const s of sessions) s.dropIfRevoked();
  }, options.tokenCheckMs ?? 250);
  tokenCheck.unref();

  const previous = await readDashboardFile(paths.dashboardFile);
  try {
    await writeDashboardFile(paths.dashboardFile, { url, port, token });
  } catch (error) {
    clearInterval(runsPoll);
    clearInterval(tokenCheck);
    server.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(runsPoll);
      clearInterval(tokenCheck);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await tails.closeAll();
      await removeDashboardFile(paths.dashboardFile, token, previous);
    })();
    return closing;
  };
  return { url, port, token, close };
}

function upgradeRefusal(req: IncomingMessage, port: number): { status: number; error: string } | undefined {
  const host = checkHost(req, port);
  if (!host.ok) return host;
  const origin = checkOrigin(req, port);
  if (!origin.ok) return origin;
  if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/ws') return { status: 404, error: 'WebSocket endpoint is /ws' };
  return undefined;
}

function rejectUpgrade(socket: Duplex, status: number, error: string): void {
  const reason = status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : 'Bad Request';
  const body = JSON.stringify({ ok: false, error });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`);
}
