import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DashboardServer } from '../../src/server/dashboard-server';
import { useTempDir } from '../support/temp-dir';
import { bearer, http, sampleRunEvents, startTestServer, TestSocket, writeRun } from './server-harness';

describe('dashboard server security (docs/design.md §5)', () => {
  const dir = useTempDir('orch-server-');
  let server: DashboardServer;

  beforeEach(async () => {
    await (await writeRun(dir.path, 'run-1', sampleRunEvents())).close();
    server = await startTestServer(dir.path, { authTimeoutMs: 400, maxAuthFailuresPerMinute: 50 });
  });
  afterEach(async () => {
    await server.close();
  });

  it('binds 127.0.0.1 and writes {url, port, token} to .orch/dashboard.json with mode 0600, removed on close', async () => {
    const file = join(dir.path, '.orch', 'dashboard.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const contents = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(contents, { url: `http://127.0.0.1:${server.port}/`, port: server.port, token: server.token });
    assert.match(server.token, /^[0-9a-f]{32}$/, '128 random bits');
    await server.close();
    assert.equal(existsSync(file), false);
  });

  it('gives every server a fresh token', async () => {
    const other = await startTestServer(dir.path);
    try {
      assert.notEqual(other.token, server.token);
    } finally {
      await other.close();
    }
  });

  it('answers /api/health without a token and everything under /api only with the right one', async () => {
    assert.equal((await http(server.port, { path: '/api/health' })).status, 200);
    const none = await http(server.port, { path: '/api/runs' });
    assert.equal(none.status, 401);
    assert.deepEqual(Object.keys(none.json() as object), ['ok', 'error']);
    assert.equal((await http(server.port, { path: '/api/runs', headers: { Authorization: 'Bearer 0123456789abcdef0123456789abcdef' } })).status, 401);
    assert.equal((await http(server.port, { path: '/api/runs', headers: { Authorization: server.token } })).status, 401, 'token without the Bearer scheme');
    for (const path of ['/api/runs', '/api/runs/run-1', '/api/runs/run-1/events?after=0', '/api/agents', '/api/no-such-route']) {
      assert.equal((await http(server.port, { path })).status, 401, path);
    }
    for (const path of ['/api/runs/run-1/cancel', '/api/runs/run-1/pause']) {
      assert.equal((await http(server.port, { method: 'POST', path })).status, 401, path);
    }
    assert.equal((await http(server.port, { path: '/api/runs', headers: bearer(server) })).status, 200);
  });

  it('refuses any Host but 127.0.0.1:PORT and localhost:PORT with 403, token or not', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, '127.0.0.1', `[::1]:${server.port}`]) {
      const reply = await http(server.port, { path: '/api/runs', headers: { ...bearer(server), Host: host } });
      assert.equal(reply.status, 403, host);
      assert.equal((await http(server.port, { path: '/', headers: { Host: host } })).status, 403, host);
    }
    assert.equal((await http(server.port, { path: '/api/runs', headers: { ...bearer(server), Host: `localhost:${server.port}` } })).status, 200);
  });

  it('refuses a cross-origin POST with 403, even with the token', async () => {
    const foreign = await http(server.port, { method: 'POST', path: '/api/runs/run-1/cancel', headers: { ...bearer(server), Origin: 'http://evil.example' } });
    assert.equal(foreign.status, 403);
    const fetchMeta = await http(server.port, { method: 'POST', path: '/api/runs/run-1/cancel', headers: { ...bearer(server), 'Sec-Fetch-Site': 'cross-site' } });
    assert.equal(fetchMeta.status, 403);
    const ownPage = await http(server.port, { method: 'POST', path: '/api/runs/run-1/pause', headers: { ...bearer(server), Origin: `http://127.0.0.1:${server.port}` } });
    assert.equal(ownPage.status, 409, 'own origin passes the check; no Orch process runs run-1 to pause');
    assert.match((ownPage.json() as { error: string }).error, /no Orch process is running run run-1/);
  });

  it('answers a CORS preflight without any Access-Control-* header', async () => {
    const reply = await http(server.port, { method: 'OPTIONS', path: '/api/runs', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'GET' } });
    assert.equal(reply.status, 403);
  });

  it('refuses a WebSocket upgrade from a foreign Origin or Host', async () => {
    const foreign = TestSocket.connect(server.port, { Origin: 'http://evil.example' });
    await assert.rejects(foreign.opened, /upgrade refused with 403/);
    const rebound = TestSocket.connect(server.port, { Host: `evil.example:${server.port}` });
    await assert.rejects(rebound.opened, /upgrade refused with 403/);
  });

  it('sends an unauthenticated socket nothing and closes it: wrong token, another message first, or silence', async () => {
    const wrong = TestSocket.connect(server.port);
    await wrong.opened;
    wrong.send({ type: 'auth', token: 'f'.repeat(32) });
    assert.equal((await wrong.closed).code, 1008);
    const early = TestSocket.connect(server.port);
    await early.opened;
    early.send({ type: 'subscribe', runId: 'run-1', after: 0 });
    assert.equal((await early.closed).code, 1008);
    const silent = TestSocket.connect(server.port);
    await silent.opened;
    assert.equal((await silent.closed).code, 1008);
    assert.deepEqual([...wrong.messages, ...early.messages, ...silent.messages], []);
  });

  it('closes a socket that sends a message over the size limit', async () => {
    const socket = TestSocket.connect(server.port);
    await socket.opened;
    socket.send({ type: 'auth', token: server.token });
    await socket.waitFor(1);
    socket.send({ type: 'subscribe', runId: 'x'.repeat(70 * 1024), after: 0 });
    assert.equal((await socket.closed).code, 1009);
  });

  it('answers wrong tokens with 429 past the limit, whatever the address, and still lets the right token in', async () => {
    await server.close();
    server = await startTestServer(dir.path, { maxAuthFailuresPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) assert.equal((await http(server.port, { path: '/api/runs', headers: { Authorization: 'Bearer nope' } })).status, 401);
    const limited = await http(server.port, { path: '/api/runs', headers: { Authorization: 'Bearer nope' } });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await http(server.port, { path: '/api/runs', headers: bearer(server) })).status, 200, 'the real client is not locked out');
    const socket = TestSocket.connect(server.port);
    await socket.opened;
    socket.send({ type: 'auth', token: 'nope' });
    assert.match((await socket.closed).reason, /too many failed authentications/);
    const good = TestSocket.connect(server.port);
    await good.opened;
    good.send({ type: 'auth', token: server.token });
    await good.waitFor(1);
    good.ws.close();
    assert.equal((await http(server.port, { path: '/api/health' })).status, 200, 'health stays open');
  });

  it('never counts a request without a token as a failed login: the right token passes after many', async () => {
    await server.close();
    server = await startTestServer(dir.path, { maxAuthFailuresPerMinute: 3 });
    for (let i = 0; i < 10; i += 1) assert.equal((await http(server.port, { path: '/api/runs' })).status, 401);
    assert.equal((await http(server.port, { path: '/api/runs', headers: { Authorization: 'Bearer nope' } })).status, 401, 'the first wrong token is not yet limited');
  });

  it('refuses cross-site GETs to the API before authentication, and reads the Bearer scheme case-insensitively', async () => {
    const foreign: readonly Record<string, string>[] = [{ 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }, { Origin: 'http://evil.example' }, { Referer: 'http://evil.example/page.html' }];
    for (const headers of foreign) {
      assert.equal((await http(server.port, { path: '/api/runs', headers: { ...bearer(server), ...headers } })).status, 403, JSON.stringify(headers));
      assert.equal((await http(server.port, { path: '/api/runs', headers })).status, 403, `without a token too: ${JSON.stringify(headers)}`);
    }
    assert.equal((await http(server.port, { path: '/', headers: { 'Sec-Fetch-Site': 'cross-site' } })).status, 200, 'a link from elsewhere still opens the page');
    const ownPage = { 'Sec-Fetch-Site': 'same-origin', Referer: `http://127.0.0.1:${server.port}/#/`, Origin: `http://127.0.0.1:${server.port}` };
    assert.equal((await http(server.port, { path: '/api/runs', headers: { ...bearer(server), ...ownPage } })).status, 200);
    assert.equal((await http(server.port, { path: '/api/runs', headers: { Authorization: `bearer ${server.token}` } })).status, 200);
    assert.equal((await http(server.port, { path: '/api/runs', headers: { Authorization: `BEARER  ${server.token}` } })).status, 200);
  });

  it('serves the page with a strict CSP and nosniff, and never a file outside the webview folder', async () => {
    const page = await http(server.port, { path: '/' });
    assert.equal(page.status, 200);
    const csp = page.headers['content-security-policy'] ?? '';
    for (const part of ["default-src 'self'", "script-src 'self'", "style-src 'self'", `connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`, "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'"]) {
      assert.ok(csp.includes(part), `CSP lacks ${part}: ${String(csp)}`);
    }
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json', '/..%5c..%5cpackage.json', '/%00', '/assets']) {
      const reply = await http(server.port, { path });
      assert.ok(reply.status === 404 || reply.status === 400, `${path} -> ${reply.status}`);
      assert.ok(!reply.body.includes('"devDependencies"'), path);
    }
  });

  it('rejects run ids that could leave .orch/runs', async () => {
    for (const id of ['..%2F..%2Fetc', '..', '.hidden']) {
      assert.equal((await http(server.port, { path: `/api/runs/${id}`, headers: bearer(server) })).status, 404, id);
    }
  });
});
