import assert from 'node:assert/strict';
import { parseMarkers, markerScenario } from './markers';
import type { Reply } from './reply';
import {
  answeringAs,
  costing,
  finish,
  modelFamily,
  modelIs,
  overloaded,
  perConversation,
  route,
  steps,
  times,
  writeFile,
  type Scenario,
  type ScenarioContext,
} from './scenarios';
import { isSideRequest, parseModelRequest, type ScriptedRequest } from './scripted-request';

function anthropicRequest(opts: { model?: string; turns?: number; prompt?: string; session?: string; tools?: string[] } = {}): ScriptedRequest {
  const messages: unknown[] = [{ role: 'user', content: [{ type: 'text', text: opts.prompt ?? 'go' }] }];
  for (let i = 0; i < (opts.turns ?? 0); i++) {
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `t${i}`, name: 'Write', input: {} }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: 'ok' }] });
  }
  const body = {
    model: opts.model ?? 'claude-sonnet-5',
    system: [{ type: 'text', text: 'You are an agent.\nPrimary working directory: /work/repo\n' }],
    messages,
    tools: (opts.tools ?? ['Write', 'Read']).map((name) => ({ name, input_schema: {} })),
    stream: true,
    context_management: { edits: [] },
  };
  const headers: Record<string, string> = { 'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)' };
  if (opts.session !== undefined) headers['x-claude-code-session-id'] = opts.session;
  return parseModelRequest('anthropic', body, headers);
}

const ctx = (over: Partial<ScenarioContext> = {}): ScenarioContext => ({ conversation: 'c', conversationIndex: 0, repeat: 0, requestIndex: 0, ...over });

async function play(s: Scenario, r: ScriptedRequest, c = ctx()): Promise<Reply> {
  return s(r, c);
}

function toolName(reply: Reply): string | undefined {
  if (reply.kind !== 'message') return undefined;
  const block = reply.content.find((b) => b.type === 'tool_use');
  return block?.type === 'tool_use' ? block.name : undefined;
}

describe('scripted model scenarios', () => {
  it('parses the request: turn, cwd, tools, session and user text', () => {
    const r = anthropicRequest({ turns: 2, prompt: 'task T1', session: 'abc' });
    assert.equal(r.turn, 2);
    assert.equal(r.cwd, '/work/repo');
    assert.deepEqual(r.tools, ['Write', 'Read']);
    assert.equal(r.sessionId, 'abc');
    assert.match(r.userText, /task T1/);
    assert.equal(r.messages[2]?.toolResults[0]?.text, 'ok');
  });

  it('counts turns since the latest prompt, so a resumed session with a follow-up starts over', async () => {
    const body = {
      model: 'claude-sonnet-5',
      messages: [
        { role: 'user', content: 'first [[scripted:write-file path=a.txt]]' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Write', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
        { role: 'user', content: 'follow-up [[scripted:write-file path=b.txt]]' },
      ],
      tools: [{ name: 'Write' }],
    };
    const r = parseModelRequest('anthropic', body, {});
    assert.deepEqual([r.turn, r.turnSincePrompt], [2, 0]);
    assert.match(r.promptText, /^follow-up/);
    const reply = await play(markerScenario(), r);
    const block = reply.kind === 'message' ? reply.content[0] : undefined;
    assert.equal(block?.type === 'tool_use' ? block.input.file_path : undefined, 'b.txt');
  });

  it('treats CLI housekeeping as side requests, and tool-less agent turns or SDK calls as real ones', () => {
    const title = parseModelRequest('anthropic', { model: 'm', messages: [], tools: [], thinking: { type: 'disabled' } }, { 'x-claude-code-session-id': 's' });
    assert.equal(isSideRequest(title), true);
    assert.equal(isSideRequest(anthropicRequest({ tools: [] })), false);
    assert.equal(isSideRequest(anthropicRequest()), false);
    assert.equal(isSideRequest(parseModelRequest('anthropic', { model: 'm', messages: [] }, { 'user-agent': 'Anthropic/JS 1.0' })), false);
  });

  it('writeFile: a Write call with the path resolved against the announced cwd, then end_turn text', async () => {
    const s = writeFile('src/a.js', 'x');
    const first = await play(s, anthropicRequest({ turns: 0 }));
    assert.equal(first.kind, 'message');
    const block = first.kind === 'message' ? first.content[0] : undefined;
    assert.deepEqual(block?.type === 'tool_use' ? block.input : undefined, { file_path: '/work/repo/src/a.js', content: 'x' });
    const second = await play(s, anthropicRequest({ turns: 1 }));
    assert.deepEqual(second.kind === 'message' ? second.content : undefined, [{ type: 'text', text: 'Wrote src/a.js.' }]);
  });

  it('steps follow the turn and fall back to `after` past the end', async () => {
    const s = steps([overloaded(), finish('two')], finish('after'));
    assert.equal((await play(s, anthropicRequest({ turns: 0 }))).kind, 'error');
    const texts = await Promise.all([1, 5].map(async (turns) => {
      const r = await play(s, anthropicRequest({ turns }));
      return r.kind === 'message' && r.content[0]?.type === 'text' ? r.content[0].text : r.kind;
    }));
    assert.deepEqual(texts, ['two', 'after']);
  });

  it('perConversation gives each new conversation the next scenario and keeps it', async () => {
    const s = perConversation([overloaded(), finish()]);
    const kinds = [];
    for (const conversation of ['a', 'b', 'a', 'c']) kinds.push((await play(s, anthropicRequest(), ctx({ conversation }))).kind);
    assert.deepEqual(kinds, ['error', 'message', 'error', 'message']);
    assert.throws(() => perConversation([]), /empty list/);
  });

  it('times answers the first n calls one way and the rest another', async () => {
    const s = times(2, overloaded(), finish());
    const kinds = [];
    for (let i = 0; i < 4; i++) kinds.push((await play(s, anthropicRequest())).kind);
    assert.deepEqual(kinds, ['error', 'error', 'message', 'message']);
  });

  it('route matches model families and overrides model and usage', async () => {
    assert.equal(modelFamily('claude-opus-4-8[1m]'), 'opus');
    const s = route([{ when: modelIs('opus'), then: overloaded() }], costing({ inputTokens: 7, outputTokens: 3 }, answeringAs('claude-haiku-x', finish())));
    assert.equal((await play(s, anthropicRequest({ model: 'claude-opus-4-8' }))).kind, 'error');
    const other = await play(s, anthropicRequest({ model: 'claude-sonnet-5' }));
    assert.equal(other.kind === 'message' ? other.model : undefined, 'claude-haiku-x');
    assert.deepEqual(other.kind === 'message' ? other.usage : undefined, { inputTokens: 7, outputTokens: 3 });
  });

  it('parses markers with quoted, single-quoted and bare values', () => {
    const [m] = parseMarkers(`Do it [[scripted:write-file path=src/a.js content="line 1\\nsay \\"hi\\"" in=5]] now`);
    assert.deepEqual(m?.args, { path: 'src/a.js', content: 'line 1\nsay "hi"', in: '5' });
    const [t] = parseMarkers(`[[scripted:tool name=mcp__orch__report_progress input='{"percent": 50, "note": "half"}']]`);
    assert.equal(t?.args.input, '{"percent": 50, "note": "half"}');
  });

  it('markerScenario plays markers turn by turn and closes a trailing tool call', async () => {
    const prompt = `[[scripted:tool name=mcp__orch__report_progress input='{"percent":50,"note":"half"}']] [[scripted:write-file path=a.txt]]`;
    const s = markerScenario();
    const seen = [];
    for (let turns = 0; turns < 4; turns++) {
      const reply = await play(s, anthropicRequest({ turns, prompt }));
      seen.push(toolName(reply) ?? reply.kind);
    }
    assert.deepEqual(seen, ['mcp__orch__report_progress', 'Write', 'message', 'message']);
    const trailing = await play(s, anthropicRequest({ turns: 1, prompt: `[[scripted:tool name=Read input='{}']]` }));
    assert.equal(trailing.kind === 'message' && trailing.content[0]?.type === 'text', true);
  });

  it('markerScenario rejects unknown actions and bad numbers, quoting the marker', async () => {
    const s = markerScenario();
    await assert.rejects(async () => play(s, anthropicRequest({ prompt: '[[scripted:explode]]' })), /unknown scripted action "explode" in \[\[scripted:explode\]\]/);
    await assert.rejects(async () => play(s, anthropicRequest({ prompt: '[[scripted:rate-limited retry-after=soon]]' })), /retry-after=soon is not a non-negative number/);
  });

  it('markers carry error replies and modifiers', async () => {
    const s = markerScenario();
    const limited = await play(s, anthropicRequest({ prompt: '[[scripted:rate-limited retry-after=9]]' }));
    assert.deepEqual(limited.kind === 'error' ? [limited.status, limited.retryAfterSec] : undefined, [429, 9]);
    const costly = await play(s, anthropicRequest({ prompt: '[[scripted:claim-success in=1000 out=50 model=claude-haiku-z]]' }));
    assert.deepEqual(costly.kind === 'message' ? [costly.usage, costly.model] : undefined, [{ inputTokens: 1000, outputTokens: 50 }, 'claude-haiku-z']);
  });
});
