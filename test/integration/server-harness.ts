// Shared by the dashboard server's integration and e2e tests: a real server on a free port,
// real HTTP and WebSocket clients, and run logs written by the real EventLog.
import { strict as assert } from 'node:assert';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import type { Roadmap } from '../../src/protocol/domain';
import type { CheckResult, NewEvent } from '../../src/protocol/events';
import type { ToClientMessage } from '../../src/protocol/dashboard-messages';
import { EventLog } from '../../src/orchestrator/events/event-log';
import { OrchStore } from '../../src/orchestrator/store/orch-store';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import { startDashboardServer, type DashboardServer, type DashboardServerOptions } from '../../src/server/dashboard-server';
import { roadmapWith, task } from '../support/builders';

export const REPO = resolve(__dirname, '../..');

export function startTestServer(workspace: string, extra: Partial<DashboardServerOptions> = {}): Promise<DashboardServer> {
  return startDashboardServer({
    workspace,
    port: 0,
    staticDir: resolve(REPO, 'media/webview'),
    builtinAgentsDir: resolve(REPO, 'agents'),
    homeDir: workspace,
    pollMs: 200,
    ...extra,
  });
}

export interface HttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  json(): unknown;
}

/** A raw HTTP request, so tests control every header (fetch would not let them set Host). */
export function http(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<HttpReply> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: { Host: `127.0.0.1:${port}`, ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        // No response of this server may ever carry a CORS grant.
        for (const name of Object.keys(res.headers)) assert.ok(!name.startsWith('access-control-'), `${options.method ?? 'GET'} ${options.path} answered with ${name}`);
        done({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as unknown });
      });
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

export function bearer(server: DashboardServer): Record<string, string> {
  return { Authorization: `Bearer ${server.token}` };
}

/** A WebSocket whose messages queue up until a test takes them. */
export class TestSocket {
  readonly messages: ToClientMessage[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse((data as Buffer).toString('utf8')) as ToClientMessage);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((done) => ws.on('close', (code, reason) => done({ code, reason: reason.toString() })));
    this.opened = new Promise((done, fail) => {
      ws.once('open', () => done());
      ws.once('error', fail);
      ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused with ${res.statusCode}`)));
    });
  }

  static connect(port: number, headers: Record<string, string> = {}): TestSocket {
    return new TestSocket(new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Origin: `http://127.0.0.1:${port}`, ...headers } }));
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Waits until `count` messages have arrived in total (or fails after `ms`). */
  async waitFor(count: number, ms = 5000): Promise<readonly ToClientMessage[]> {
    const deadline = Date.now() + ms;
    while (this.messages.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} messages, got ${this.messages.length}: ${JSON.stringify(this.messages).slice(0, 500)}`);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          done();
        });
      });
    }
    return this.messages;
  }

  /** Every event sequence number received so far, in arrival order. */
  seqs(): number[] {
    const out: number[] = [];
    for (const m of this.messages) if (m.type === 'events') out.push(...m.events.map((e) => e.seq));
    return out;
  }
}

export const sampleRoadmap: Roadmap = roadmapWith([
  { milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2', { depends: ['T1'], phase: 'qa' })] } },
  { milestone: '0.2', prd: { id: 'PRD-2', tasks: [task('PRD-2', 'T1', { model: 'opus' })] } },
]);

/** A run whose PRD-1/T1 finished its first attempt and failed these checks: the evidence views' case. */
export function failedChecksRunEvents(checks: readonly CheckResult[], reason: string): NewEvent[] {
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    { type: 'task.assigned', taskId: 'PRD-1/T1', agent: 'frontend-engineer', model: 'sonnet', phase: 'implementation', reason: 'phase' },
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'frontend-engineer', model: 'sonnet', prompt: 'Build T1' },
    { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 0.1, costSource: 'reported', modelUsed: 'sonnet', inputTokens: 500, outputTokens: 100, durationMs: 3000 },
    { type: 'task.verifying', taskId: 'PRD-1/T1' },
    { type: 'defect.raised', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', reason, checks: [...checks] },
  ];
}

/** A run with a plan, one finished attempt and one running: what most views need. */
export function sampleRunEvents(): NewEvent[] {
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    { type: 'task.assigned', taskId: 'PRD-1/T1', agent: 'backend-engineer', model: 'sonnet', phase: 'implementation', reason: 'phase' },
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'backend-engineer', model: 'sonnet', prompt: 'Build T1' },
    { type: 'attempt.activity', attemptId: 'PRD-1/T1#1', activity: { kind: 'text', text: 'Reading the code first.' } },
    { type: 'attempt.activity', attemptId: 'PRD-1/T1#1', activity: { kind: 'tool-call', toolUseId: 'tu1', name: 'Bash', input: { command: 'npm test' } } },
    { type: 'attempt.activity', attemptId: 'PRD-1/T1#1', activity: { kind: 'tool-result', toolUseId: 'tu1', isError: false, text: '12 passing' } },
    { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 0.42, costSource: 'reported', sessionId: 'sess-1', modelUsed: 'claude-sonnet-4-6', inputTokens: 1200, outputTokens: 300, durationMs: 5000 },
    { type: 'task.verifying', taskId: 'PRD-1/T1' },
    { type: 'task.verified', taskId: 'PRD-1/T1', checks: [{ check: 'command npm test', passed: true, detail: 'exit 0\n12 passing' }], basis: 'checks' },
    { type: 'attempt.started', taskId: 'PRD-1/T2', attemptId: 'PRD-1/T2#1', agent: 'qa-engineer', model: 'haiku', prompt: 'Test T2' },
  ];
}

/** Writes a run's log through the real EventLog and records it in the run index. */
export async function writeRun(workspace: string, runId: string, bodies: readonly NewEvent[]): Promise<EventLog> {
  const paths = workspacePaths(workspace);
  const log = await EventLog.open(paths.eventsFile(runId), runId);
  for (const body of bodies) await log.append(body);
  const store = await OrchStore.open(paths.storeFile);
  const now = new Date().toISOString();
  await store.upsertRun({ runId, roadmapFile: 'roadmap.md', state: 'running', startedAt: now, updatedAt: now });
  return log;
}

export interface ServedRun {
  readonly server: DashboardServer;
  /** The log of run "run-1" (sampleRunEvents), still open for appends. */
  readonly log: EventLog;
  /** A socket that has opened and sent nothing yet; terminated after the test. */
  openSocket(): Promise<TestSocket>;
  /** A socket that has authenticated with the server's token; terminated after the test. */
  authedSocket(): Promise<TestSocket>;
  /** GET `path` with the server's token. */
  authedGet(path: string): Promise<HttpReply>;
}

/**
 * Per test: run "run-1" written into the workspace (after `prepare`, if given) and a server over
 * it, both closed afterwards with every socket opened through the result. Call inside a mocha
 * `describe`, after the `useTempDir` that makes `dir`.
 */
export function useServedRun(dir: { readonly path: string }, prepare?: (workspace: string) => void): ServedRun {
  let server: DashboardServer | undefined;
  let log: EventLog | undefined;
  const sockets: TestSocket[] = [];
  beforeEach(async () => {
    prepare?.(dir.path);
    log = await writeRun(dir.path, 'run-1', sampleRunEvents());
    server = await startTestServer(dir.path);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.ws.terminate();
    await server?.close();
    await log?.close();
  });
  const current = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useServedRun: no ${what} outside a test`);
    return value;
  };
  const served: ServedRun = {
    get server() {
      return current(server, 'server');
    },
    get log() {
      return current(log, 'log');
    },
    async openSocket() {
      const socket = TestSocket.connect(served.server.port);
      sockets.push(socket);
      await socket.opened;
      return socket;
    },
    async authedSocket() {
      const socket = await served.openSocket();
      socket.send({ type: 'auth', token: served.server.token });
      const [first] = await socket.waitFor(1);
      assert.equal(first?.type, 'authenticated');
      return socket;
    },
    authedGet(path) {
      return http(served.server.port, { path, headers: bearer(served.server) });
    },
  };
  return served;
}
