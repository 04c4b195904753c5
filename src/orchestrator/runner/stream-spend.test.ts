import { strict as assert } from 'node:assert';
import { StreamSpend } from './stream-spend';

const ev = (event: Record<string, unknown>) => ({ type: 'stream_event', event });
const start = (input: number, cacheRead = 0, cacheWrite = 0) => ev({ type: 'message_start', message: { usage: { input_tokens: input, output_tokens: 1, cache_read_input_tokens: cacheRead, cache_creation_input_tokens: cacheWrite } } });

describe('StreamSpend', () => {
  it('knows a turn\'s input at its start, estimates its output while it streams, and takes the reported count at its end', () => {
    const s = new StreamSpend();
    assert.equal(s.observe(start(1000, 200, 30)), 'turn-started');
    assert.deepEqual(s.usage(), [{ inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 30, outputTokens: 0, wantsTool: false, ended: false }]);
    assert.equal(s.observe(ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x'.repeat(40) } })), 'output');
    assert.equal(s.usage()[0]!.outputTokens, 10);
    assert.equal(s.observe(ev({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'Write', input: {} } })), 'tool-requested');
    s.observe(ev({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 77 } }));
    assert.equal(s.observe(ev({ type: 'message_stop' })), 'turn-ended');
    assert.deepEqual(s.usage()[0], { inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 30, outputTokens: 77, wantsTool: true, ended: true });
    s.observe(start(1500));
    assert.deepEqual(s.totals(), { inputTokens: 2730, outputTokens: 77 });
  });

  it('ignores lines that carry no spend, and deltas before any turn', () => {
    const s = new StreamSpend();
    assert.equal(s.observe({ type: 'assistant', message: {} }), undefined);
    assert.equal(s.observe(ev({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'hi' } })), undefined);
    assert.equal(s.observe(ev({ type: 'message_start', message: { usage: { input_tokens: -5, output_tokens: 'x' } } })), 'turn-started');
    assert.deepEqual(s.totals(), { inputTokens: 0, outputTokens: 0 });
  });
});
