// Orch's MCP tools served from the Orch process itself over MCP's streamable HTTP transport (one
// plain JSON answer per POST), on 127.0.0.1: one server for every attempt of the process, started
// on first use, instead of a Node process per attempt. Each attempt has its own bearer secret
// (given to the CLI through its private mcp-config file, never argv); a call's report goes straight
// into that attempt's event stream, and a submission is checked by Orch before the tool answers,
// so the model fixes its errors in the same turn.

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { Activity } from '../../../protocol/events';
import { checkReport, SUBMISSION_TOOLS, toolsFor, type ToolDefinition } from './orch-tools';
import { callMessageTool, MESSAGE_TOOL_NAMES, MESSAGE_TOOLS, type MessagingPort } from './message-tools';
import { MAX_SUBMISSION_BYTES, submitToolsOf, type SubmissionHandlers, type SubmitToolName } from './submission-endpoint';

const SUPPORTED_VERSIONS = ['2025-06-18', '2025-03-26', '2024-11-05'];
/** Room for a submission just over the limit, so the model gets the clear answer, not a cut connection. */
const MAX_BODY_BYTES = 8 * MAX_SUBMISSION_BYTES;
const MCP_PATH = '/mcp';
const BUSY_BEAT_MS = 5_000;

export interface ToolSessionOptions {
  /** Submission tools for this attempt only, each with Orch's validation. */
  readonly submissions?: SubmissionHandlers;
  /** A report tool's call, checked: called before the tool answers the CLI. */
  readonly onReport: (activity: Activity) => void;
  /** Messages: send_message, broadcast, read_inbox, ask_person (live delivery is the runner's, on stdin). */
  readonly messaging?: MessagingPort;
  /** A tool call is still working (ask_person waits for the person): not an inactive agent. */
  readonly onBusy?: () => void;
}

/** One attempt's access to the server; `close` once its CLI has exited. */
export interface ToolSession {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly tools: readonly SubmitToolName[];
  /**
   * Hands the session to the attempt that claims a process started ahead of it: its handlers
   * replace the ones the session was opened with. False (nothing changed) when they would offer
   * other tools than the process was told about.
   */
  bind(options: ToolSessionOptions): boolean;
  close(): void;
}

interface Session {
  readonly tools: readonly ToolDefinition[];
  readonly submissions: SubmissionHandlers;
  readonly onReport: (activity: Activity) => void;
  readonly messaging?: MessagingPort;
  readonly onBusy?: () => void;
}

type Json = Record<string, unknown>;
type ToolResult = { content: { type: 'text'; text: string }[]; isError?: true };

function toolText(text: string): ToolResult {
  return { content: [{ type: 'text', text }] };
}

function toolError(text: string): ToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Secrets are looked up by their hash, so a lookup's timing says nothing about a secret. */
function keyOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return m?.[1];
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function rpcError(id: unknown, code: number, message: string): Json {
  return { jsonrpc: '2.0', id: id ?? null, error: { code, message } };
}

export class OrchToolServer {
  private readonly sessions = new Map<string, Session>();
  /** What a session's calls still hold (an ask_person's busy beat), let go when the session closes. */
  private readonly holds = new Map<string, Set<() => void>>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OrchToolServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    // Attempts' CLIs keep Orch alive while they run; an idle server must not.
    server.unref();
    const { port } = server.address() as AddressInfo;
    const self = new OrchToolServer(server, `http://127.0.0.1:${port}${MCP_PATH}`);
    // Nobody has the URL before this returns, so no request comes before the handler.
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void self.serve(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, rpcError(null, -32603, `Orch failed to answer: ${(error as Error).message}`));
      });
    });
    return self;
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  open(options: ToolSessionOptions): ToolSession {
    const secret = randomBytes(24).toString('hex');
    const key = keyOf(secret);
    const tools = submitToolsOf(options.submissions ?? {});
    const session = sessionOf(options);
    this.sessions.set(key, session);
    const bind = (next: ToolSessionOptions): boolean => {
      const rebound = sessionOf(next);
      if (!this.sessions.has(key) || !isDeepStrictEqual(rebound.tools, session.tools)) return false;
      this.sessions.set(key, rebound);
      return true;
    };
    const close = (): void => {
      this.sessions.delete(key);
      for (const release of this.holds.get(key) ?? []) release();
      this.holds.delete(key);
    };
    return { url: this.url, headers: { Authorization: `Bearer ${secret}` }, tools, bind, close };
  }

  close(): Promise<void> {
    for (const releases of this.holds.values()) for (const release of releases) release();
    this.holds.clear();
    this.sessions.clear();
    return new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const secret = bearer(req);
    const key = secret === undefined ? undefined : keyOf(secret);
    const session = key === undefined ? undefined : this.sessions.get(key);
    // The same answer for a wrong secret and an ended attempt: nothing says which attempts exist.
    if (session === undefined || key === undefined) return send(res, 401, rpcError(null, -32001, 'not authorized'), { 'www-authenticate': 'Bearer' });
    if ((req.url ?? '').split('?')[0] !== MCP_PATH) return send(res, 404, rpcError(null, -32601, `no such path ${req.url ?? ''}`));
    // No server-initiated stream (GET) and no session to end (DELETE): plain JSON answers only.
    if (req.method !== 'POST') return send(res, 405, undefined, { allow: 'POST' });
    const body = await readBody(req);
    if (body === undefined) return send(res, 413, rpcError(null, -32600, `the request is over ${MAX_BODY_BYTES} bytes`));
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      return send(res, 400, rpcError(null, -32700, `parse error: ${body.slice(0, 80)}`));
    }
    const batch = Array.isArray(message);
    const answers: Json[] = [];
    // One message at a time, so answers keep the order of the requests.
    for (const m of batch ? (message as unknown[]) : [message]) {
      const answer = await this.handle(key, session, m);
      if (answer !== undefined) answers.push(answer);
    }
    if (answers.length === 0) return send(res, 202);
    send(res, 200, batch ? answers : answers[0]);
  }

  private async handle(key: string, session: Session, message: unknown): Promise<Json | undefined> {
    if (!isRecord(message)) return rpcError(null, -32600, 'invalid request: not a JSON-RPC object');
    const { id, method, params } = message;
    const isRequest = id !== undefined && id !== null;
    // A response to something we never ask, or a notification such as notifications/initialized.
    if (typeof method !== 'string' || !isRequest) return undefined;
    try {
      if (method === 'initialize') {
        const asked = isRecord(params) ? params.protocolVersion : undefined;
        const protocolVersion = typeof asked === 'string' && SUPPORTED_VERSIONS.includes(asked) ? asked : SUPPORTED_VERSIONS[0];
        return { jsonrpc: '2.0', id, result: { protocolVersion, capabilities: { tools: { listChanged: false } }, serverInfo: { name: 'orch', version: '0.1.0' } } };
      }
      if (method === 'tools/list') return { jsonrpc: '2.0', id, result: { tools: session.tools } };
      if (method === 'tools/call') return { jsonrpc: '2.0', id, result: await this.call(key, session, isRecord(params) ? params : {}) };
      if (method === 'ping') return { jsonrpc: '2.0', id, result: {} };
      return rpcError(id, -32601, `method not found: ${method}`);
    } catch (error) {
      return rpcError(id, -32603, error instanceof Error ? error.message : String(error));
    }
  }

  private async call(key: string, session: Session, params: Json): Promise<ToolResult> {
    const name = typeof params.name === 'string' ? params.name : '';
    if (SUBMISSION_TOOLS.some((t) => t.name === name)) {
      const handler = session.submissions[name as SubmitToolName];
      if (handler === undefined) return toolError(`${name} is not offered in this attempt`);
      const bytes = Buffer.byteLength(JSON.stringify(params.arguments ?? {}));
      if (bytes > MAX_SUBMISSION_BYTES) {
        return toolError(`${name} is ${bytes} bytes, over Orch's limit of ${MAX_SUBMISSION_BYTES}: shorten the descriptions and body, then submit again.`);
      }
      try {
        const verdict = await handler(params.arguments ?? {});
        return verdict.accepted ? toolText(verdict.text) : toolError(verdict.text);
      } catch (error) {
        return toolError(`Orch failed to check the submission: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (session.messaging !== undefined && MESSAGE_TOOL_NAMES.includes(name)) {
      // An ask_person the CLI gave up on (its tool timeout) never gets its answer here: the beat
      // must end with the attempt's session, and never keep the process alive by itself, or a
      // finished `orch run` would not exit.
      const beat = setInterval(() => session.onBusy?.(), BUSY_BEAT_MS);
      beat.unref();
      const release = (): void => clearInterval(beat);
      const held = this.holds.get(key) ?? new Set<() => void>();
      this.holds.set(key, held.add(release));
      const answer = await callMessageTool(session.messaging, name, isRecord(params.arguments) ? params.arguments : {}).finally(() => {
        release();
        held.delete(release);
      });
      return answer.isError === true ? toolError(answer.text) : toolText(answer.text);
    }
    const checked = checkReport(name, params.arguments, session.tools);
    if ('error' in checked) return toolError(checked.error);
    session.onReport(checked.activity);
    return toolText(checked.text);
  }
}

function sessionOf(options: ToolSessionOptions): Session {
  const submissions = options.submissions ?? {};
  const messaging = options.messaging;
  return {
    tools: [...toolsFor(submitToolsOf(submissions)), ...(messaging === undefined ? [] : MESSAGE_TOOLS)],
    submissions,
    onReport: options.onReport,
    ...(messaging === undefined ? {} : { messaging }),
    ...(options.onBusy === undefined ? {} : { onBusy: options.onBusy }),
  };
}

let shared: Promise<OrchToolServer> | undefined;

/** The process's server, started on first use. */
export function sharedToolServer(): Promise<OrchToolServer> {
  shared ??= OrchToolServer.start().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** Closes the process's server when no attempt uses it (a later attempt starts a new one). */
export async function closeSharedToolServerIfIdle(): Promise<void> {
  const current = shared;
  if (current === undefined) return;
  const server = await current.catch(() => undefined);
  if (server === undefined || server.openSessions > 0 || shared !== current) return;
  shared = undefined;
  await server.close();
}
