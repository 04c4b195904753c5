// The scripted model server: the Anthropic Messages API and the OpenAI Chat Completions API on
// 127.0.0.1, answering from a scenario and recording every request. Tests and `orch demo` point
// the real claude CLI (or an SDK) at it; nothing leaves the machine.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { anthropicEvents, anthropicMessageJson, sseChunk, writeAnthropicError } from './anthropic-wire';
import { openaiChunks, openaiCompletionJson, openaiSse, writeOpenaiError } from './openai-wire';
import { textReply, type Reply } from './reply';
import { asScenario, type Scenario, type ScenarioContext, type Step } from './scenarios';
import { conversationKey, isSideRequest, parseModelRequest, type ModelApi, type ScriptedRequest } from './scripted-request';

export type RouteKind = ModelApi | 'preflight' | 'count-tokens' | 'unknown';

export interface RecordedRequest {
  readonly seq: number;
  /** Milliseconds since the epoch when the request's body had arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly route: RouteKind;
  /** A model request, parsed; absent for other routes. */
  readonly parsed?: ScriptedRequest;
  /** The CLI's housekeeping (titles...), answered without the scenario. */
  readonly side: boolean;
  readonly context?: ScenarioContext;
  readonly replyKind?: Reply['kind'] | 'scenario-error' | 'bad-request';
}

export interface ScriptedModelOptions {
  readonly scenario: Step;
  /** Answers side requests; default: a short text (or `{"title": ...}` when JSON is asked for). */
  readonly sideScenario?: Step;
  readonly port?: number;
  /** Close by itself after this long without a request; 0 never. Default 10 minutes. */
  readonly idleTimeoutMs?: number;
  /** Let the process exit while the server listens. Default true: tests that forget close() still end. */
  readonly unref?: boolean;
}

export interface ScriptedModelServer {
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  /** Model requests that reached the scenario. */
  modelRequests(): RecordedRequest[];
  setScenario(scenario: Step): void;
  /** Resolves with the first recorded request (past or future) that matches. */
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const MAX_BODY = 32 * 1024 * 1024;

function defaultSide(request: ScriptedRequest): Reply {
  const wantsJson = JSON.stringify(request.body).includes('"json_schema"');
  return textReply(wantsJson ? '{"title": "Scripted session"}' : 'OK');
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error(`request body over ${MAX_BODY} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function pause(ms: number, unref: boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    if (unref) t.unref();
  });
}

function routeOf(method: string, path: string): RouteKind {
  if (method === 'POST' && path === '/v1/messages') return 'anthropic';
  if (method === 'POST' && path === '/v1/chat/completions') return 'openai';
  if (method === 'POST' && path === '/v1/messages/count_tokens') return 'count-tokens';
  if ((method === 'HEAD' || method === 'GET') && path === '/') return 'preflight';
  return 'unknown';
}

const GARBAGE = '\u0000\u00ff\u00fe not an event stream }{ <html>502 Bad Gateway</html>\r\n\r\n{"type": mess';

export async function startScriptedModel(options: ScriptedModelOptions): Promise<ScriptedModelServer> {
  let scenario: Scenario = asScenario(options.scenario);
  const side: Scenario = options.sideScenario === undefined ? defaultSide : asScenario(options.sideScenario);
  const requests: RecordedRequest[] = [];
  const waiters: { predicate: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  const sockets = new Set<Socket>();
  const conversations = new Map<string, number>();
  const repeats = new Map<string, number>();
  let scenarioCalls = 0;
  let messageIds = 0;
  let closed = false;
  const unref = options.unref ?? true;
  const idleMs = options.idleTimeoutMs ?? 10 * 60_000;
  let idleTimer: NodeJS.Timeout | undefined;

  const record = (r: RecordedRequest): void => {
    requests.push(r);
    for (const w of [...waiters]) {
      if (w.predicate(r)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  };

  const contextFor = (request: ScriptedRequest): ScenarioContext => {
    const conversation = conversationKey(request);
    if (!conversations.has(conversation)) conversations.set(conversation, conversations.size);
    const turnKey = `${conversation}\u0000${request.turn}`;
    const repeat = repeats.get(turnKey) ?? 0;
    repeats.set(turnKey, repeat + 1);
    const context = { conversation, conversationIndex: conversations.get(conversation) as number, repeat, requestIndex: scenarioCalls };
    scenarioCalls += 1;
    return context;
  };

  const answer = async (api: ModelApi, request: ScriptedRequest, reply: Reply, res: ServerResponse): Promise<void> => {
    messageIds += 1;
    const id = api === 'anthropic' ? `msg_scripted_${messageIds}` : `chatcmpl-scripted-${messageIds}`;
    switch (reply.kind) {
      case 'hang':
        return;
      case 'error':
        (api === 'anthropic' ? writeAnthropicError : writeOpenaiError)(res, reply);
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': request.stream ? 'text/event-stream' : 'application/json' });
        res.end(reply.bytes ?? GARBAGE);
        return;
      case 'cut-off': {
        const events =
          api === 'anthropic'
            ? anthropicEvents(textReply('This answer will be cut off before it ends.'), request.model, id).map(sseChunk)
            : openaiChunks(textReply('This answer will be cut off before it ends.'), request.model, id, false).map(openaiSse);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(events.slice(0, reply.afterEvents ?? 3).join(''));
        // Let the bytes leave before the connection drops, as a proxy failing mid-stream would.
        setTimeout(() => res.destroy(), 20).unref();
        return;
      }
      case 'message': {
        if (reply.delayMs !== undefined && reply.delayMs > 0) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, reply.delayMs);
            if (unref) t.unref();
            res.once('close', () => {
              clearTimeout(t);
              resolve();
            });
          });
          if (res.destroyed || closed) return;
        }
        if (!request.stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(api === 'anthropic' ? anthropicMessageJson(reply, request.model, id) : openaiCompletionJson(reply, request.model, id)));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        if (api === 'anthropic') {
          for (const e of anthropicEvents(reply, request.model, id)) {
            if (res.destroyed || closed) return;
            res.write(sseChunk(e));
            if (reply.paceMs !== undefined && reply.paceMs > 0) await pause(reply.paceMs, unref);
          }
        } else {
          const streamOptions = (request.body as { stream_options?: { include_usage?: unknown } }).stream_options;
          for (const c of openaiChunks(reply, request.model, id, streamOptions?.include_usage === true)) res.write(openaiSse(c));
          res.write(openaiSse('[DONE]'));
        }
        res.end();
        return;
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const headers = flatHeaders(req);
    const route = routeOf(req.method ?? 'GET', url.pathname);
    const base = { seq: requests.length + 1, at: Date.now(), method: req.method ?? 'GET', path: url.pathname, query: url.search, headers };
    let body: unknown = raw;
    if (raw !== '' && (headers['content-type'] ?? '').includes('json')) {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        record({ ...base, body: raw, route, side: false, replyKind: 'bad-request' });
        writeAnthropicError(res, { kind: 'error', status: 400, errorType: 'invalid_request_error', message: `body is not JSON: ${raw.slice(0, 80)}` });
        return;
      }
    }
    if (route === 'preflight' || route === 'unknown' || route === 'count-tokens') {
      record({ ...base, body, route, side: false });
      if (route === 'preflight') res.writeHead(200).end();
      else if (route === 'count-tokens') res.writeHead(200, { 'content-type': 'application/json' }).end('{"input_tokens": 100}');
      else writeAnthropicError(res, { kind: 'error', status: 404, errorType: 'not_found_error', message: `scripted model has no route ${base.method} ${url.pathname}` });
      return;
    }
    const parsed = parseModelRequest(route, body, headers);
    const isSide = isSideRequest(parsed);
    const context = isSide ? undefined : contextFor(parsed);
    let reply: Reply;
    try {
      reply = await (isSide || context === undefined ? side(parsed, { conversation: '', conversationIndex: -1, repeat: 0, requestIndex: -1 }) : scenario(parsed, context));
    } catch (error) {
      const message = `scripted scenario failed: ${error instanceof Error ? error.message : String(error)}`;
      record({ ...base, body, route, parsed, side: isSide, ...(context ? { context } : {}), replyKind: 'scenario-error' });
      (route === 'anthropic' ? writeAnthropicError : writeOpenaiError)(res, { kind: 'error', status: 500, errorType: 'api_error', message });
      return;
    }
    record({ ...base, body, route, parsed, side: isSide, ...(context ? { context } : {}), replyKind: reply.kind });
    await answer(route, parsed, reply, res);
  };

  const armIdle = (): void => {
    if (idleMs <= 0) return;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void close(), idleMs);
    idleTimer.unref();
  };

  const server = createServer((req, res) => {
    armIdle();
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`scripted model server error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    if (unref) socket.unref();
    socket.on('close', () => sockets.delete(socket));
  });

  const close = (): Promise<void> => {
    if (closed) return Promise.resolve();
    closed = true;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    return new Promise((resolve) => {
      server.close(() => resolve());
      // Hanging and keep-alive responses would hold close() forever: end them.
      for (const s of sockets) s.destroy();
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  if (unref) server.unref();
  armIdle();
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    modelRequests: () => requests.filter((r) => r.parsed !== undefined && !r.side),
    setScenario: (s) => {
      scenario = asScenario(s);
    },
    waitFor: (predicate, timeoutMs = 30_000) => {
      const found = requests.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching request within ${timeoutMs} ms (${requests.length} recorded)`)), timeoutMs);
        timer.unref();
        waiters.push({
          predicate,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
      });
    },
    close,
  };
}
