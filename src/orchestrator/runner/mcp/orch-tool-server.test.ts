import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Activity } from '../../../protocol/events';
import { closeSharedToolServerIfIdle, OrchToolServer, sharedToolServer, type ToolSession } from './orch-tool-server';
import type { SubmissionHandlers } from './submission-endpoint';

type Json = Record<string, unknown>;

function call(id: number, name: string, args: unknown): Json {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

function toolNames(reply: Json | undefined): string[] {
  return (reply?.result as { tools: { name: string }[] }).tools.map((t) => t.name);
}

describe("Orch's MCP tools over HTTP (JSON-RPC by hand)", () => {
  let server: OrchToolServer;
  before(async () => {
    server = await OrchToolServer.start();
  });
  after(async () => {
    await server.close();
  });

  function open(submissions?: SubmissionHandlers): { session: ToolSession; reports: Activity[] } {
    const reports: Activity[] = [];
    const session = server.open({ ...(submissions === undefined ? {} : { submissions }), onReport: (a) => reports.push(a) });
    return { session, reports };
  }

  async function post(session: Pick<ToolSession, 'url' | 'headers'>, body: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(session.url, {
      method: 'POST',
      headers: { ...session.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  async function talk(session: ToolSession, messages: readonly unknown[]): Promise<Json[]> {
    const out: Json[] = [];
    for (const m of messages) {
      const { json } = await post(session, m);
      if (json !== undefined) out.push(json as Json);
    }
    return out;
  }

  it('hands a session to the attempt that claims it: its reports go to the new handler, and only for the same tools', async () => {
    const { session, reports: before } = open();
    const after: Activity[] = [];
    assert.equal(session.bind({ submissions: { submit_prd: () => ({ accepted: true, text: 'ok' }) }, onReport: (a) => after.push(a) }), false, 'other tools: not bound');
    assert.equal(session.bind({ onReport: (a) => after.push(a) }), true);
    await talk(session, [call(1, 'report_progress', { percent: 10, note: 'claimed' })]);
    assert.deepEqual([before.length, after.length], [0, 1]);
    session.close();
    assert.equal(session.bind({ onReport: () => undefined }), false, 'a closed session is not bound');
  });

  it('initializes, lists its tools and records a progress report in the attempt', async () => {
    const { session, reports } = open();
    const init = await post(session, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 't' } } });
    assert.equal(init.status, 200);
    assert.deepEqual(init.json, {
      jsonrpc: '2.0',
      id: 1,
      result: { protocolVersion: '2025-03-26', capabilities: { tools: { listChanged: false } }, serverInfo: { name: 'orch', version: '0.1.0' } },
    });
    const initialized = await post(session, { jsonrpc: '2.0', method: 'notifications/initialized' });
    assert.deepEqual(initialized, { status: 202, json: undefined });
    const out = await talk(session, [{ jsonrpc: '2.0', id: 2, method: 'tools/list' }, call(3, 'report_progress', { percent: 60, note: 'half' }), { jsonrpc: '2.0', id: 4, method: 'ping' }]);
    assert.deepEqual(toolNames(out[0]), ['report_progress', 'attach_evidence', 'report_no_change']);
    assert.deepEqual(out[1], { jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: 'Progress 60% recorded.' }] } });
    assert.deepEqual(out[2], { jsonrpc: '2.0', id: 4, result: {} });
    assert.deepEqual(reports, [{ kind: 'progress', percent: 60, note: 'half' }]);
    session.close();
  });

  it('answers bad arguments as a tool error, unknown methods and bad JSON as protocol errors, a batch as a batch', async () => {
    const { session, reports } = open();
    const out = await talk(session, [call(1, 'attach_evidence', { kind: '', path_or_text: 'x' }), { jsonrpc: '2.0', id: 2, method: 'resources/list' }]);
    assert.deepEqual(out[0]?.result, { content: [{ type: 'text', text: 'kind must be a non-empty string, got ""' }], isError: true });
    assert.deepEqual(out[1]?.error, { code: -32601, message: 'method not found: resources/list' });
    const bad = await post(session, 'not json');
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { error: { code: number } }).error.code, -32700);
    const batch = await post(session, [call(5, 'attach_evidence', { kind: 'test-output', path_or_text: 'out.txt' }), { jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', id: 6, method: 'ping' }]);
    assert.deepEqual(batch.json, [
      { jsonrpc: '2.0', id: 5, result: { content: [{ type: 'text', text: 'Evidence (test-output) attached.' }] } },
      { jsonrpc: '2.0', id: 6, result: {} },
    ]);
    assert.deepEqual(reports, [{ kind: 'evidence', evidenceKind: 'test-output', value: 'out.txt' }]);
    session.close();
  });

  it('turns report_no_change into the no-change evidence verification reads, and refuses an empty reason', async () => {
    const { session, reports } = open();
    const out = await talk(session, [call(1, 'report_no_change', { reason: '  ' }), call(2, 'report_no_change', { reason: 'the README already says it' })]);
    assert.equal((out[0]?.result as { isError?: boolean }).isError, true);
    assert.match(JSON.stringify(out[0]?.result), /reason must be a non-empty string/);
    assert.equal((out[1]?.result as { isError?: boolean }).isError, undefined);
    assert.deepEqual(reports, [{ kind: 'evidence', evidenceKind: 'no-change', value: 'the README already says it' }]);
    session.close();
  });

  it('offers submit_prd only to the attempt that has its handler', async () => {
    const plain = open();
    const [listed, refused] = await talk(plain.session, [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, call(2, 'submit_prd', { title: 't', tasks: [] })]);
    assert.ok(!toolNames(listed).includes('submit_prd'));
    assert.match(JSON.stringify(refused?.result), /submit_prd is not offered in this attempt/);
    plain.session.close();
  });

  it("answers submit_prd with Orch's verdict: the errors to fix, then accepted, with the whole arguments received", async () => {
    const received: unknown[] = [];
    const { session } = open({
      submit_prd: (args) => {
        received.push(args);
        const tasks = (args as { tasks?: unknown[] }).tasks ?? [];
        return tasks.length === 0 ? { accepted: false, text: '- the PRD has no tasks' } : { accepted: true, text: `accepted: ${tasks.length} task(s)` };
      },
    });
    const body = 'x'.repeat(200_000);
    const good = { title: 'Big', body, tasks: [{ id: 'T1', title: 'a', description: 'b' }] };
    const out = await talk(session, [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, call(2, 'submit_prd', { title: 'Big', tasks: [] }), call(3, 'submit_prd', good)]);
    const schema = (out[0]?.result as { tools: { name: string; inputSchema: { required: string[] } }[] }).tools.find((t) => t.name === 'submit_prd');
    assert.deepEqual(schema?.inputSchema.required, ['title', 'tasks']);
    assert.deepEqual(out[1]?.result, { content: [{ type: 'text', text: '- the PRD has no tasks' }], isError: true });
    assert.deepEqual(out[2]?.result, { content: [{ type: 'text', text: 'accepted: 1 task(s)' }] });
    assert.deepEqual(received[1], good, 'the handler got the submission whole');
    session.close();
  });

  it('refuses a submission over 1 MB with a clear error, without checking it', async () => {
    let calls = 0;
    const { session } = open({
      submit_prd: () => {
        calls += 1;
        return { accepted: true, text: 'ok' };
      },
    });
    const [out] = await talk(session, [call(1, 'submit_prd', { title: 'Huge', body: 'y'.repeat(1_100_000), tasks: [] })]);
    assert.equal((out?.result as { isError?: boolean }).isError, true);
    assert.match(JSON.stringify(out?.result), /over Orch's limit of 1000000/);
    assert.equal(calls, 0);
    session.close();
  });

  it('refuses a wrong secret and an ended attempt alike (401), and answers GET with 405', async () => {
    const { session, reports } = open();
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    const wrong = await post({ url: session.url, headers: { Authorization: 'Bearer wrong' } }, ping);
    const none = await post({ url: session.url, headers: {} }, ping);
    const get = await fetch(session.url, { headers: { ...session.headers, accept: 'text/event-stream' } });
    assert.equal(get.status, 405);
    session.close();
    const ended = await post(session, call(2, 'report_progress', { percent: 1, note: 'late' }));
    assert.equal(wrong.status, 401);
    assert.deepEqual(none, wrong);
    assert.deepEqual(ended, wrong, 'an ended attempt looks like a wrong secret');
    assert.deepEqual(reports, []);
  });

  it('keeps two attempts apart on one server', async () => {
    const a = open();
    const b = open();
    assert.equal(a.session.url, b.session.url);
    assert.notDeepEqual(a.session.headers, b.session.headers);
    await talk(a.session, [call(1, 'report_progress', { percent: 10, note: 'a' })]);
    await talk(b.session, [call(1, 'report_progress', { percent: 20, note: 'b' })]);
    assert.deepEqual(a.reports, [{ kind: 'progress', percent: 10, note: 'a' }]);
    assert.deepEqual(b.reports, [{ kind: 'progress', percent: 20, note: 'b' }]);
    a.session.close();
    b.session.close();
  });

  it('refuses a request body over its limit (413) without reading it all', async () => {
    const { session } = open();
    const huge = await post(session, { jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'z'.repeat(8_100_000) } });
    assert.equal(huge.status, 413);
    session.close();
  });

  it('binds 127.0.0.1 only', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });
});

describe("the process's shared tool server", () => {
  it('is one server for every attempt, closed when the run is over and no attempt uses it, started again on demand', async () => {
    const first = await sharedToolServer();
    assert.equal(await sharedToolServer(), first);
    const session = first.open({ onReport: () => undefined });
    await closeSharedToolServerIfIdle();
    const ping = (url: string, headers: Readonly<Record<string, string>>) =>
      fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    assert.equal((await ping(session.url, session.headers)).status, 200, 'an attempt still uses it');
    session.close();
    await closeSharedToolServerIfIdle();
    await assert.rejects(ping(session.url, session.headers), 'closed: nothing listens there');
    const next = await sharedToolServer();
    assert.notEqual(next, first);
    const again = next.open({ onReport: () => undefined });
    assert.equal((await ping(again.url, again.headers)).status, 200);
    again.close();
    await closeSharedToolServerIfIdle();
  });
});

describe('an ask_person call the CLI gave up on', () => {
  it('keeps no process alive once its attempt has ended (a finished orch run exits)', async function () {
    this.timeout(60_000);
    // In a process of its own: what is measured is whether that process ends by itself.
    const script = `
      const { OrchToolServer } = require(${JSON.stringify(require.resolve('./orch-tool-server'))});
      (async () => {
        const server = await OrchToolServer.start();
        const never = () => new Promise(() => undefined);
        const messaging = { send: never, broadcast: never, readInbox: never, ask: never, takeLive: async () => '', onArrival: () => () => undefined };
        const session = server.open({ onReport: () => undefined, messaging });
        const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ask_person', arguments: { question: 'Which colour?' } } });
        const headers = { ...session.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
        await fetch(session.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(300) }).catch(() => undefined);
        session.close();
        await server.close();
        console.log('closed');
      })();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const ended = await Promise.race([
      new Promise<string>((done) => child.once('exit', () => done('exited'))),
      new Promise<string>((done) => setTimeout(() => done('still running'), 30_000).unref()),
    ]);
    child.kill('SIGKILL');
    assert.match(out, /closed/);
    assert.equal(ended, 'exited');
  });
});
