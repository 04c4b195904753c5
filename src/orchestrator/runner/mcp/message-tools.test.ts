import assert from 'node:assert/strict';
import { callMessageTool, type MessagingPort, type ToolAnswer } from './message-tools';
import { OrchToolServer } from './orch-tool-server';

/** An in-memory port: what the hub would answer, recorded. */
function port(): MessagingPort & { calls: string[] } {
  const calls: string[] = [];
  const ok = (text: string): Promise<ToolAnswer> => Promise.resolve({ text });
  return {
    calls,
    send: (to, text) => (calls.push(`send ${to} ${text}`), ok(`Sent to ${to}`)),
    broadcast: (text, scope) => (calls.push(`broadcast ${scope} ${text}`), ok('Broadcast')),
    readInbox: () => (calls.push('inbox'), ok('Your inbox is empty.')),
    ask: (question) => (calls.push(`ask ${question}`), ok('The person answered (m2): yes')),
    takeLive: () => Promise.resolve(''),
    onArrival: () => () => undefined,
  };
}

describe('messaging tools on the tool server', () => {
  let server: OrchToolServer;
  before(async () => {
    server = await OrchToolServer.start();
  });
  after(async () => {
    await server.close();
  });

  async function post(url: string, headers: Readonly<Record<string, string>>, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('offers the messaging tools only to an attempt with messaging, and routes their calls to its port', async () => {
    const plain = server.open({ onReport: () => undefined });
    const listed = await post(plain.url, plain.headers, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    assert.equal(JSON.stringify(listed.json).includes('send_message'), false);
    plain.close();

    const p = port();
    const session = server.open({ onReport: () => undefined, messaging: p });
    const tools = await post(session.url, session.headers, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const names = (tools.json.result as { tools: { name: string }[] }).tools.map((t) => t.name);
    for (const name of ['send_message', 'broadcast', 'read_inbox', 'ask_person']) assert.ok(names.includes(name), names.join());
    const call = (id: number, name: string, args: unknown) => post(session.url, session.headers, { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
    assert.deepEqual((await call(3, 'send_message', { to: 'T2', text: 'hi' })).json.result, { content: [{ type: 'text', text: 'Sent to T2' }] });
    const missing = (await call(4, 'send_message', { text: 'hi' })).json.result as { isError?: boolean; content: { text: string }[] };
    assert.equal(missing.isError, true);
    assert.match(missing.content[0]!.text, /^to must be a non-empty string/);
    assert.equal(((await call(5, 'broadcast', { text: 'x', scope: '' })).json.result as { isError?: boolean }).isError, true);
    await call(6, 'ask_person', { question: 'Which port?' });
    await call(7, 'read_inbox', {});
    assert.deepEqual(p.calls, ['send T2 hi', 'ask Which port?', 'inbox']);
    session.close();
  });

  it('checks consult arguments before the port, and says when the attempt cannot consult', async () => {
    const p = port();
    assert.match((await callMessageTool(p, 'consult', { question: 'Which port?' })).text, /^agent must be a non-empty agent name, got undefined/);
    assert.match((await callMessageTool(p, 'consult', { agent: 'qa-engineer', question: ' ' })).text, /^question must be a non-empty string/);
    assert.deepEqual(await callMessageTool(p, 'consult', { agent: 'qa-engineer', question: 'Which port?' }), { text: 'consult is not available in this attempt', isError: true });
    const consulting = { ...p, consult: (agent: string, question: string) => Promise.resolve({ text: `${agent} answers:\n${question.length}` }) };
    assert.deepEqual(await callMessageTool(consulting, 'consult', { agent: 'qa-engineer', question: 'Which port?' }), { text: 'qa-engineer answers:\n11' });
  });
});
