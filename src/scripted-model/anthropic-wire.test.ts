import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { anthropicEvents, anthropicMessageJson } from './anthropic-wire';
import { openaiCompletionJson } from './openai-wire';
import { redactedThinkingBlock, thinkingBlock, toolUseReply, withThinking, type MessageReply } from './reply';
import { startScriptedModel } from './server';

const THOUGHT = 'The failing assertion is in test/index.js:14; the fix belongs in src/index.js, not in the test. '.repeat(3);

function thinkingReply(): MessageReply {
  return withThinking(toolUseReply('Read', { file_path: '/repo/src/index.js' }, { text: 'Reading the source first.' }), thinkingBlock(THOUGHT), redactedThinkingBlock('opaque-redacted-payload'));
}

describe('Anthropic wire: thinking blocks', () => {
  it('streams thinking as start(thinking:""), thinking_delta pieces, one signature_delta, stop; redacted thinking whole in its start', () => {
    const reply = thinkingReply();
    const signature = (reply.content[0] as { signature: string }).signature;
    const events = anthropicEvents(reply, 'claude-sonnet-5', 'msg_1');
    const ofBlock = (index: number): Record<string, unknown>[] =>
      events.filter((e) => (e.data as { index?: number }).index === index).map((e) => e.data);

    const thinking = ofBlock(0);
    assert.deepEqual(thinking[0], { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } });
    const deltas = thinking.slice(1, -1).map((e) => e.delta as { type: string; thinking?: string; signature?: string });
    assert.ok(deltas.length >= 3, `thinking arrives in several deltas, got ${deltas.length}`);
    assert.deepEqual(deltas.at(-1), { type: 'signature_delta', signature });
    assert.ok(deltas.slice(0, -1).every((d) => d.type === 'thinking_delta'));
    assert.equal(deltas.map((d) => d.thinking ?? '').join(''), THOUGHT);
    assert.deepEqual(thinking.at(-1), { type: 'content_block_stop', index: 0 });

    assert.deepEqual(ofBlock(1), [
      { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'opaque-redacted-payload' } },
      { type: 'content_block_stop', index: 1 },
    ]);
    assert.deepEqual(
      [ofBlock(2)[0]?.content_block, ofBlock(3)[0]?.content_block],
      [{ type: 'text', text: '' }, { type: 'tool_use', id: (reply.content[3] as { id: string }).id, name: 'Read', input: {} }],
    );
    assert.deepEqual(events.find((e) => e.event === 'message_delta')?.data.delta, { stop_reason: 'tool_use', stop_sequence: null });
  });

  it('signs thinking with a long base64 signature, the same for the same thinking and different for other thinking', () => {
    const a = thinkingBlock('plan A');
    assert.match(a.signature, /^[A-Za-z0-9+/]{100,}={0,2}$/);
    assert.equal(thinkingBlock('plan A').signature, a.signature);
    assert.notEqual(thinkingBlock('plan B').signature, a.signature);
    assert.notEqual(redactedThinkingBlock().data, redactedThinkingBlock().data);
  });

  it('renders thinking in a whole (non-streaming) message, and leaves it out of a Chat Completions answer', () => {
    const reply = thinkingReply();
    const content = anthropicMessageJson(reply, 'claude-sonnet-5', 'msg_1').content as { type: string }[];
    assert.deepEqual(
      content.map((b) => b.type),
      ['thinking', 'redacted_thinking', 'text', 'tool_use'],
    );
    assert.deepEqual(content[0], { type: 'thinking', thinking: THOUGHT, signature: (reply.content[0] as { signature: string }).signature });
    const message = (openaiCompletionJson(reply, 'gpt-4.1-mini', 'c1').choices as { message: { content: string } }[])[0]?.message;
    assert.equal(message?.content, 'Reading the source first.');
  });

  it('is what the official Anthropic SDK assembles back into the same blocks from the stream', async () => {
    const reply = thinkingReply();
    const server = await startScriptedModel({ scenario: reply });
    try {
      const client = new Anthropic({ baseURL: server.url, apiKey: 'test-key', maxRetries: 0 });
      const stream = client.messages.stream({ model: 'claude-sonnet-5', max_tokens: 1024, messages: [{ role: 'user', content: 'go' }] });
      const final = await stream.finalMessage();
      assert.deepEqual(final.content, anthropicMessageJson(reply, 'claude-sonnet-5', 'x').content);
    } finally {
      await server.close();
    }
  });
});
