import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { finish, garbage, hang, rateLimited, steps, writeFile, type Scenario } from './scenarios';
import { startScriptedModel, type ScriptedModelServer } from './server';

const CLI_HEADERS = { 'content-type': 'application/json', 'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)', 'x-claude-code-session-id': 'sess-1' };

function messagesBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-sonnet-5',
    system: 'Primary working directory: /repo',
    messages: [{ role: 'user', content: 'go' }],
    tools: [{ name: 'Write', input_schema: {} }],
    context_management: { edits: [] },
    ...extra,
  };
}

async function post(server: ScriptedModelServer, path: string, body: unknown, headers: Record<string, string> = CLI_HEADERS): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

function sseEvents(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? '';
      const data = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>;
      return { event, data };
    });
}

describe('scripted model server', () => {
  let server: ScriptedModelServer | undefined;
  const start = async (scenario: Scenario, idleTimeoutMs?: number): Promise<ScriptedModelServer> => {
    server = await startScriptedModel({ scenario, ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }) });
    return server;
  };
  afterEach(async () => server?.close());

  it('streams a tool_use turn as Anthropic SSE in the documented event order, naming the requested model', async () => {
    const s = await start(writeFile('a.txt', 'hello'));
    const res = await post(s, '/v1/messages?beta=true', messagesBody({ stream: true }));
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const events = sseEvents(await res.text());
    assert.deepEqual(
      [...new Set(events.map((e) => e.event))],
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    assert.equal((events[0]?.data.message as { model: string }).model, 'claude-sonnet-5');
    const json = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => (e.data.delta as { partial_json: string }).partial_json)
      .join('');
    assert.deepEqual(JSON.parse(json), { file_path: '/repo/a.txt', content: 'hello' });
    const delta = events.find((e) => e.event === 'message_delta')?.data;
    assert.deepEqual(delta?.delta, { stop_reason: 'tool_use', stop_sequence: null });
    assert.deepEqual(delta?.usage, { output_tokens: 20 });
  });

  it('answers non-streaming requests with one JSON message and records the parsed request', async () => {
    const s = await start(finish('all done'));
    const res = await post(s, '/v1/messages', messagesBody());
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(body.content, [{ type: 'text', text: 'all done' }]);
    assert.equal(body.stop_reason, 'end_turn');
    const [recorded] = s.modelRequests();
    assert.equal(recorded?.route, 'anthropic');
    assert.equal(recorded?.parsed?.cwd, '/repo');
    assert.equal(recorded?.headers['x-claude-code-session-id'], 'sess-1');
    assert.equal(recorded?.context?.conversation, 'session:sess-1');
  });

  it('answers 429 with retry-after and an Anthropic error body', async () => {
    const s = await start(rateLimited(12));
    const res = await post(s, '/v1/messages', messagesBody());
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '12');
    assert.deepEqual(((await res.json()) as { error: { type: string } }).error.type, 'rate_limit_error');
  });

  it('keeps side requests away from the scenario steps', async () => {
    const s = await start(steps([finish('turn one')], finish('later')));
    const side = await post(s, '/v1/messages', { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'title?' }], tools: [], output_config: { format: { type: 'json_schema' } } });
    assert.match(JSON.stringify(await side.json()), /Scripted session/);
    const main = await post(s, '/v1/messages', messagesBody());
    assert.match(JSON.stringify(await main.json()), /turn one/);
    assert.deepEqual(s.requests.map((r) => r.side), [true, false]);
    assert.equal(s.modelRequests()[0]?.context?.requestIndex, 0);
  });

  it('records unknown routes and the CLI preflight without failing', async () => {
    const s = await start(finish());
    const head = await fetch(s.url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    const unknown = await fetch(`${s.url}/v1/organizations/quota`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /no route GET \/v1\/organizations\/quota/);
    assert.deepEqual(s.requests.map((r) => r.route), ['preflight', 'unknown']);
  });

  it('reports a failing scenario as a 500 that quotes the error', async () => {
    const s = await start(() => {
      throw new Error('no step for T9');
    });
    const res = await post(s, '/v1/messages', messagesBody());
    assert.equal(res.status, 500);
    assert.match(await res.text(), /scripted scenario failed: no step for T9/);
    assert.equal(s.requests[0]?.replyKind, 'scenario-error');
  });

  it('sends garbage with a 200 event-stream header', async () => {
    const s = await start(garbage('not sse at all'));
    const res = await post(s, '/v1/messages', messagesBody({ stream: true }));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'not sse at all');
  });

  it('stops mid-stream on cut-off', async () => {
    const s = await start(() => ({ kind: 'cut-off', afterEvents: 2 }));
    const res = await post(s, '/v1/messages', messagesBody({ stream: true }));
    await assert.rejects(res.text(), /terminated|aborted|other side closed/i);
  });

  it('holds a hanging request until close(), which ends it', async () => {
    const s = await start(hang());
    const outcome = new Promise<string>((resolve) => {
      const req = httpRequest(`${s.url}/v1/messages`, { method: 'POST', headers: CLI_HEADERS }, () => resolve('answered'));
      req.on('error', (e) => resolve(`error: ${e.message}`));
      req.end(JSON.stringify(messagesBody()));
    });
    await s.waitFor((r) => r.replyKind === 'hang');
    await s.close();
    assert.match(await outcome, /^error: socket hang up/);
  });

  it('closes itself after the idle timeout', async () => {
    const s = await start(finish(), 50);
    // Asked until it stops answering (a loaded machine may run the timer late), not after a fixed wait.
    const answers = (): Promise<boolean> => fetch(s.url, { method: 'HEAD' }).then(() => true, () => false);
    for (let tries = 0; tries < 100 && (await answers()); tries++) await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(fetch(s.url, { method: 'HEAD' }), /fetch failed/);
  });

  it('waitFor rejects with a count when nothing matches in time', async () => {
    const s = await start(finish());
    await assert.rejects(s.waitFor(() => false, 30), /no matching request within 30 ms \(0 recorded\)/);
  });
});
