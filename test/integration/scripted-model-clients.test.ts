import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { answeringAs, costing, finish, rateLimited, useTool } from '../../src/scripted-model/scenarios';

describe('official SDKs against the scripted model', () => {
  let server: ScriptedModelServer | undefined;
  afterEach(async () => server?.close());

  describe('@anthropic-ai/sdk', () => {
    const client = (s: ScriptedModelServer): Anthropic => new Anthropic({ baseURL: s.url, apiKey: 'test-key', maxRetries: 0 });

    it('creates a message without streaming, with the scripted usage', async () => {
      server = await startScriptedModel({ scenario: costing({ inputTokens: 321, outputTokens: 12 }, finish('plain answer')) });
      const msg = await client(server).messages.create({ model: 'claude-sonnet-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
      assert.deepEqual(msg.content.map((b) => (b.type === 'text' ? b.text : b.type)), ['plain answer']);
      assert.equal(msg.model, 'claude-sonnet-5');
      assert.deepEqual([msg.usage.input_tokens, msg.usage.output_tokens, msg.stop_reason], [321, 12, 'end_turn']);
    });

    it('streams a tool_use block that the SDK reassembles', async () => {
      server = await startScriptedModel({ scenario: useTool('get_weather', { city: 'Lyon' }) });
      const stream = client(server).messages.stream({
        model: 'claude-haiku-4-5',
        max_tokens: 100,
        tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
        messages: [{ role: 'user', content: 'weather?' }],
      });
      const final = await stream.finalMessage();
      const block = final.content[0];
      assert.equal(block?.type, 'tool_use');
      assert.deepEqual(block?.type === 'tool_use' ? [block.name, block.input] : [], ['get_weather', { city: 'Lyon' }]);
      assert.equal(final.stop_reason, 'tool_use');
      assert.equal(server.modelRequests()[0]?.parsed?.stream, true);
    });

    it('surfaces a 429 as a RateLimitError with retry-after', async () => {
      server = await startScriptedModel({ scenario: rateLimited(3) });
      const error = await client(server)
        .messages.create({ model: 'claude-sonnet-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
        .then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof Anthropic.RateLimitError, String(error));
      assert.equal(error.headers.get('retry-after'), '3');
    });
  });

  describe('openai', () => {
    const client = (s: ScriptedModelServer): OpenAI => new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'test-key', maxRetries: 0 });

    it('creates a chat completion without streaming', async () => {
      server = await startScriptedModel({ scenario: costing({ inputTokens: 50, outputTokens: 9 }, finish('design doc text')) });
      const done = await client(server).chat.completions.create({ model: 'gpt-5', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'write it' }] });
      assert.equal(done.choices[0]?.message.content, 'design doc text');
      assert.equal(done.choices[0]?.finish_reason, 'stop');
      assert.deepEqual(done.usage, { prompt_tokens: 50, completion_tokens: 9, total_tokens: 59 });
      const parsed = server.modelRequests()[0]?.parsed;
      assert.deepEqual([parsed?.api, parsed?.system, parsed?.userText], ['openai', 'be brief', 'write it']);
    });

    it('streams text and a final usage chunk when asked for it', async () => {
      server = await startScriptedModel({ scenario: answeringAs('gpt-5-mini', finish('streamed words here')) });
      const stream = await client(server).chat.completions.create({
        model: 'gpt-5',
        messages: [{ role: 'user', content: 'go' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined;
      const models = new Set<string>();
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        models.add(chunk.model);
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, 'streamed words here');
      assert.deepEqual([...models], ['gpt-5-mini']);
      assert.deepEqual(usage, { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 });
    });

    it('streams tool calls that the SDK helper reassembles', async () => {
      server = await startScriptedModel({ scenario: useTool('save', { path: 'a.md', text: 'x' }) });
      const runner = client(server).chat.completions.stream({
        model: 'gpt-5',
        messages: [{ role: 'user', content: 'save' }],
        tools: [{ type: 'function', function: { name: 'save', parameters: { type: 'object' } } }],
      });
      const final = await runner.finalChatCompletion();
      const call = final.choices[0]?.message.tool_calls?.[0];
      assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
      assert.deepEqual(call?.type === 'function' ? [call.function.name, JSON.parse(call.function.arguments)] : [], ['save', { path: 'a.md', text: 'x' }]);
    });
  });
});
