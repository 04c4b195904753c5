// /api/v1 against a real server over a real run log: the OpenAPI document, every route's real
// answers validated against it, scoped tokens (HTTP and WebSocket), and the audit log, walked by
// enumerating the routes the document lists and the commands the CLI registers.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020';
import { commands } from '../../src/cli/commands';
import { runCli } from '../../src/cli/run-cli';
import type { CliIo } from '../../src/cli/cli-io';
import type { AuditEntry } from '../../src/orchestrator/audit/audit-entry';
import { readAudit, verifyChain } from '../../src/orchestrator/audit/audit-log';
import type { EventLog } from '../../src/orchestrator/events/event-log';
import { createToken, tokensFile } from '../../src/orchestrator/tokens/token-store';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import type { DashboardServer } from '../../src/server/dashboard-server';
import { http, sampleRunEvents, startTestServer, TestSocket, writeRun, type HttpReply } from './server-harness';

interface Operation {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly scope: 'public' | 'read' | 'control';
  readonly action?: string;
  readonly responses: Readonly<Record<string, { $ref?: string; content?: Readonly<Record<string, unknown>> }>>;
}

// docs/design.md §5 names these; the document must hold them all (and the server answer them).
const DESIGN_ROUTES = [
  'get /api/health',
  'get /api/runs',
  'get /api/runs/{runId}',
  'get /api/runs/{runId}/events',
  'post /api/runs/{runId}/pause',
  'post /api/runs/{runId}/resume',
  'post /api/runs/{runId}/cancel',
  'get /api/agents',
  'get /api/v1/openapi.json',
  'post /api/v1/runs',
];

// Every `orch` command is either read-only or recorded in the audit log; a new command must be
// put in one list or the other (with the arguments that make it act, or fail after recording).
const READ_ONLY = new Set(['plan', 'agents', 'status', 'serve', 'diff', 'audit', 'messages', 'defects', 'learn', 'backup', 'worker']);
/** Works in a throwaway workspace of its own, never this one. */
const OWN_WORKSPACE = new Set(['demo']);
const AUDITED: Readonly<Record<string, { readonly args: readonly string[]; readonly action: string }[]>> = {
  run: [{ args: ['run', 'roadmap.md', '--claude-path', '/nonexistent/claude'], action: 'run.start' }],
  resume: [
    { args: ['resume', 'run-1', '--claude-path', '/nonexistent/claude'], action: 'run.resume' },
    { args: ['resume', 'run-1', '--task', 'PRD-1/T2', '--claude-path', '/nonexistent/claude'], action: 'run.retry' },
    { args: ['resume', 'run-1', '--budget', '9', '--claude-path', '/nonexistent/claude'], action: 'run.budget' },
  ],
  pause: [{ args: ['pause', 'run-1'], action: 'run.pause' }],
  cancel: [{ args: ['cancel', 'run-1'], action: 'run.cancel' }],
  merge: [{ args: ['merge', 'run-1'], action: 'run.merge' }],
  restore: [{ args: ['restore', 'no-such-backup.tar.gz'], action: 'workspace.restore' }],
  token: [
    { args: ['token', 'create', '--name', 'cli-made', '--scope', 'read'], action: 'token.create' },
    { args: ['token', 'revoke', 'cli-made'], action: 'token.revoke' },
  ],
  answer: [{ args: ['answer', 'PRD-1/T2', 'yes'], action: 'answer' }],
};

describe('/api/v1: OpenAPI, scoped tokens and the audit log', function () {
  this.timeout(60_000);
  let dir: string;
  let log: EventLog;
  let server: DashboardServer;
  let doc: { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };
  let operations: Operation[];
  let viewer: string;
  let ci: string;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const audit = async (): Promise<AuditEntry[]> => (await readAudit(join(dir, '.orch', 'audit.jsonl'))).lines.map((l) => JSON.parse(l) as AuditEntry);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-api-'));
    log = await writeRun(dir, 'run-1', sampleRunEvents());
    // The evidence route answers with a file's bytes: run-1 has one screenshot to read.
    mkdirSync(workspacePaths(dir).evidenceDir('run-1'), { recursive: true });
    writeFileSync(join(workspacePaths(dir).evidenceDir('run-1'), 'shot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    server = await startTestServer(dir, { tokenCheckMs: 50 });
    const file = tokensFile(workspacePaths(dir));
    viewer = (await createToken(file, { name: 'viewer', scope: 'read' })).token;
    ci = (await createToken(file, { name: 'ci', scope: 'control' })).token;
    const reply = await http(server.port, { path: '/api/v1/openapi.json', headers: { Authorization: `Bearer ${viewer}` } });
    assert.equal(reply.status, 200, reply.body);
    doc = reply.json() as typeof doc;
    ajv.addSchema(doc, 'openapi.json');
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method: method as Operation['method'],
        path,
        scope: op['x-orch-scope'] as Operation['scope'],
        ...(typeof op['x-orch-audit-action'] === 'string' ? { action: op['x-orch-audit-action'] } : {}),
        responses: op.responses as Operation['responses'],
      })),
    );
  });
  after(async () => {
    await server.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

  /** Checks a real reply against the document's schema for its status (or the one error shape). */
  function conforms(op: Operation, reply: HttpReply): void {
    const declared = op.responses[String(reply.status)] ?? op.responses.default;
    assert.ok(declared !== undefined, `${op.method} ${op.path} answered ${reply.status}, which the document does not declare`);
    if (declared.content !== undefined && declared.content['application/json'] === undefined) {
      assert.ok(Object.keys(declared.content).includes(String(reply.headers['content-type'])), `${op.method} ${op.path} -> ${reply.headers['content-type']}, not one of ${Object.keys(declared.content).join(', ')}`);
      return;
    }
    const ref = declared.$ref !== undefined ? `openapi.json#/components/responses/Error/content/application~1json/schema` : `openapi.json#/${pointer('paths', op.path, op.method, 'responses', String(reply.status), 'content', 'application/json', 'schema')}`;
    const validate = ajv.compile({ $ref: ref });
    assert.ok(validate(reply.json()), `${op.method} ${op.path} -> ${reply.status}: ${ajv.errorsText(validate.errors)}\n${reply.body.slice(0, 400)}`);
  }

  /** A valid body for the routes that take one: a refused body (400) is never audited. */
  const bodyFor = (op: Operation): unknown => (op.path === '/api/v1/runs' ? { roadmap: 'roadmap.md' } : op.path.endsWith('/answers') ? { task: 'T1', text: 'yes' } : undefined);

  function call(op: Operation, token: string | undefined, body?: unknown): Promise<HttpReply> {
    const path = op.path.replace('{runId}', 'run-1').replace('{defectId}', 'D1').replace('{file}', 'shot.png');
    const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
    if (op.method === 'post') headers['Content-Type'] = 'application/json';
    return http(server.port, { method: op.method.toUpperCase(), path, headers, ...(op.method === 'post' ? { body: JSON.stringify(body ?? (op.path.endsWith('/reassign') ? { agent: 'backend-engineer' } : {})) } : {}) });
  }

  it('is an OpenAPI 3.1 document whose every schema compiles, with the design routes, unique operation ids and one error shape', () => {
    assert.equal(doc.openapi, '3.1.0');
    const listed = new Set(operations.map((o) => `${o.method} ${o.path}`));
    for (const route of DESIGN_ROUTES) assert.ok(listed.has(route), `${route} is not in the document`);
    for (const route of DESIGN_ROUTES.filter((r) => !r.includes('/api/v1/'))) assert.ok(listed.has(route.replace(' /api/', ' /api/v1/')), `${route} has no /api/v1 twin`);
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
    let compiled = 0;
    let files = 0;
    for (const op of operations) {
      for (const status of Object.keys(op.responses)) {
        if (op.responses[status]?.$ref !== undefined) continue;
        // A file's bytes (the evidence route) are described by their media types, with no schema.
        if (op.responses[status]?.content?.['application/json'] === undefined) {
          files += 1;
          continue;
        }
        ajv.compile({ $ref: `openapi.json#/${pointer('paths', op.path, op.method, 'responses', status, 'content', 'application/json', 'schema')}` });
        compiled += 1;
      }
    }
    assert.ok(compiled + files >= operations.length);
    assert.ok(files <= 1, 'only the evidence route answers with bytes');
  });

  it('serves the document to a read token only: no token is 401 (only health, the page and its assets are open)', async () => {
    const anonymous = await http(server.port, { path: '/api/v1/openapi.json' });
    assert.equal(anonymous.status, 401, anonymous.body);
    assert.equal((anonymous.json() as { ok: boolean }).ok, false);
    const read = await http(server.port, { path: '/api/v1/openapi.json', headers: { Authorization: `Bearer ${viewer}` } });
    assert.equal(read.status, 200, read.body);
    assert.equal((read.json() as { openapi: string }).openapi, '3.1.0');
  });

  it('answers every listed route, and the real replies validate against the document (a control token)', async () => {
    const order = (o: Operation) => (o.method === 'get' ? 0 : o.path.endsWith('/cancel') ? 2 : 1);
    for (const op of [...operations].sort((a, b) => order(a) - order(b))) {
      const body = bodyFor(op);
      const reply = await call(op, op.scope === 'public' ? undefined : ci, body);
      assert.notEqual(reply.status, 405, `${op.method} ${op.path}: ${reply.body}`);
      assert.ok(reply.status !== 404 || /no roadmap|no run/.test(reply.body), `${op.method} ${op.path}: ${reply.body}`);
      assert.ok(reply.status < 500 || reply.status === 501, `${op.method} ${op.path}: ${reply.body}`);
      conforms(op, reply);
    }
    const events = operations.find((o) => o.path === '/api/v1/runs/{runId}/events')!;
    const after = await http(server.port, { path: '/api/v1/runs/run-1/events?after=3&limit=2', headers: { Authorization: `Bearer ${ci}` } });
    conforms(events, after);
    const bad = await http(server.port, { path: '/api/v1/runs/run-1/events?after=x', headers: { Authorization: `Bearer ${ci}` } });
    assert.equal(bad.status, 400);
    conforms(events, bad);
    const start = operations.find((o) => o.path === '/api/v1/runs' && o.method === 'post')!;
    for (const body of [{ roadmap: '../outside.md' }, { roadmap: 'r.md', parallel: 0 }, { roadmap: 'r.md', extra: 1 }]) {
      const refused = await call(start, ci, body);
      assert.equal(refused.status, 400, refused.body);
      conforms(start, refused);
    }
    const unknown = await http(server.port, { path: '/api/v1/nope', headers: { Authorization: `Bearer ${ci}` } });
    assert.equal(unknown.status, 404);
  });

  it('a read token reads every route and is refused with 403 on every control route, each refusal audited', async () => {
    const before = (await audit()).length;
    const control = operations.filter((o) => o.scope === 'control');
    assert.ok(control.length >= 7, `control routes: ${control.map((o) => o.path).join(', ')}`);
    for (const op of operations.filter((o) => o.scope === 'read')) assert.equal((await call(op, viewer)).status, 200, `${op.method} ${op.path}`);
    for (const op of control) {
      const reply = await call(op, viewer, bodyFor(op));
      assert.equal(reply.status, 403, `${op.method} ${op.path}: ${reply.body}`);
      assert.match(reply.body, /read scope/);
      conforms(op, reply);
    }
    const refusals = (await audit()).slice(before).filter((e) => e.outcome === 'refused');
    assert.equal(refusals.length, control.length);
    assert.deepEqual(refusals.map((e) => e.action).sort(), control.map((o) => o.action).sort());
    for (const e of refusals) assert.deepEqual([e.who.kind, e.who.name], ['token', 'viewer']);
  });

  it("has a control route's outcome in the audit log by the time its reply arrives", async () => {
    for (const op of operations.filter((o) => o.scope === 'control')) {
      const before = (await audit()).length;
      const reply = await call(op, ci, bodyFor(op));
      const added = (await audit()).slice(before);
      const requested = added.find((e) => e.action === op.action && e.outcome === 'requested');
      assert.ok(requested !== undefined, `${op.method} ${op.path} (${reply.status}) was not audited`);
      assert.ok(added.some((e) => e.ref === requested.seq && e.outcome !== 'requested'), `${op.method} ${op.path}: its reply (${reply.status}) came before its outcome was logged`);
    }
  });

  it('every control route and every state-changing command leaves an audit entry (by enumeration), and the chain verifies', async () => {
    const entries = await audit();
    for (const op of operations.filter((o) => o.scope === 'control')) {
      const requested = entries.filter((e) => e.who.name === 'ci' && e.action === op.action && e.outcome === 'requested');
      assert.ok(requested.length > 0, `no audit entry for ${op.method} ${op.path} (${op.action})`);
      for (const r of requested) assert.ok(entries.some((e) => e.ref === r.seq && (e.outcome === 'succeeded' || e.outcome === 'failed')), `no outcome for #${r.seq}`);
    }
    const lines: string[] = [];
    const io: CliIo = { cwd: dir, env: { ...process.env, HOME: dir }, out: (t) => lines.push(t), err: (t) => lines.push(t) };
    const unclassified = Object.keys(commands).filter((name) => !READ_ONLY.has(name) && !OWN_WORKSPACE.has(name) && AUDITED[name] === undefined);
    assert.deepEqual(unclassified, [], 'every command is read-only or audited');
    for (const name of Object.keys(commands).filter((n) => AUDITED[n] !== undefined)) {
      for (const invocation of AUDITED[name]!) {
        const before = (await audit()).length;
        await runCli(invocation.args, io);
        const added = (await audit()).slice(before);
        assert.ok(
          added.some((e) => e.action === invocation.action && e.outcome === 'requested' && e.who.kind === 'cli'),
          `orch ${invocation.args.join(' ')} left no ${invocation.action} entry:\n${lines.join('\n').slice(-600)}`,
        );
        assert.ok(added.some((e) => e.action === invocation.action && e.outcome !== 'requested'), `orch ${invocation.args.join(' ')}: no outcome`);
      }
    }
    assert.deepEqual(verifyChain((await readAudit(join(dir, '.orch', 'audit.jsonl'))).lines).problems, []);
  });

  it('a read token opens a read-only socket; revoking it, or its expiry, closes the open socket at once', async () => {
    const file = tokensFile(workspacePaths(dir));
    const revokable = (await createToken(file, { name: 'to-revoke', scope: 'read' })).token;
    const sockets = [TestSocket.connect(server.port), TestSocket.connect(server.port), TestSocket.connect(server.port)];
    try {
      await Promise.all(sockets.map((s) => s.opened));
      const [revoked, expired, dashboard] = sockets as [TestSocket, TestSocket, TestSocket];
      // Made only once its socket is open: all of its 1.5 s is left for the authentication.
      const expiring = (await createToken(file, { name: 'short', scope: 'control', expiresInMs: 1500 })).token;
      expired.send({ type: 'auth', token: expiring });
      revoked.send({ type: 'auth', token: revokable });
      dashboard.send({ type: 'auth', token: server.token });
      const greetings = await Promise.all(sockets.map(async (s) => (await s.waitFor(1))[0]));
      assert.deepEqual(greetings.map((g) => (g?.type === 'authenticated' ? (g.scope ?? 'control') : g?.type)), ['read', 'control', 'control']);
      const io: CliIo = { cwd: dir, env: process.env, out: () => undefined, err: () => undefined };
      assert.equal(await runCli(['token', 'revoke', 'to-revoke'], io), 0);
      assert.deepEqual(await revoked.closed, { code: 1008, reason: 'token revoked or expired' });
      assert.deepEqual(await expired.closed, { code: 1008, reason: 'token revoked or expired' });
      for (const token of [revokable, expiring]) assert.equal((await http(server.port, { path: '/api/v1/runs', headers: { Authorization: `Bearer ${token}` } })).status, 401);
      assert.equal(dashboard.ws.readyState, dashboard.ws.OPEN, "the server's own token is never revoked");
    } finally {
      for (const s of sockets) s.ws.terminate();
    }
  });
});
