import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NewEvent } from '../../protocol/events';
import { useTempDir } from '../../../test/support/temp-dir';
import { ArtifactFiles } from './artifact-files';
import { StreamTracker } from './stream-tracker';

function assistant(model: string, content: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'assistant', message: { model, content, usage: { input_tokens: 10, output_tokens: 1 } }, ...extra });
}

describe('StreamTracker', () => {
  const dir = useTempDir('orch-tracker-');

  function tracker(requestedModel = 'sonnet'): { t: StreamTracker; events: NewEvent[]; signals: number[] } {
    const events: NewEvent[] = [];
    const signals: number[] = [];
    const t = new StreamTracker({
      attemptId: 'P/T1#1',
      requestedModel,
      maxEventChars: 50,
      files: new ArtifactFiles(dir.path, 'P/T1#1', 1),
      emit: (e) => events.push(e),
      onRetrySignal: (r) => signals.push(r.errorStatus ?? 0),
      onResult: () => undefined,
    });
    return { t, events, signals };
  }
  const kinds = (events: NewEvent[]): string[] => events.map((e) => (e.type === 'attempt.activity' ? e.activity.kind : e.type));

  it('maps init, text, tool calls and tool results to activities, and skips partial-message noise', () => {
    const { t, events } = tracker();
    t.line(JSON.stringify({ type: 'system', subtype: 'init', session_id: 'S1', model: 'claude-sonnet-5', tools: ['Write'] }));
    t.line(JSON.stringify({ type: 'stream_event', event: { type: 'message_start', message: { usage: { input_tokens: 10 } } } }));
    t.line(assistant('claude-sonnet-5', [{ type: 'text', text: 'hi' }, { type: 'tool_use', id: 'tu1', name: 'Write', input: { file_path: '/a' } }]));
    t.line(JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 'tu1', content: [{ type: 'text', text: 'ok' }] }] } }));
    t.line(JSON.stringify({ type: 'system', subtype: 'status', status: 'requesting' }));
    assert.deepEqual(kinds(events), ['init', 'text', 'tool-call', 'tool-result']);
    assert.deepEqual(events[3], { type: 'attempt.activity', attemptId: 'P/T1#1', activity: { kind: 'tool-result', toolUseId: 'tu1', isError: false, text: 'ok' } });
    assert.equal(t.sessionId, 'S1');
    assert.equal(t.streamInputTokens, 10);
  });

  it('tells live delivery when tool calls start and end and what the CLI echoed, and records a second turn as one run', () => {
    const events: NewEvent[] = [];
    const seen: string[] = [];
    const t = new StreamTracker({
      attemptId: 'P/T1#1',
      requestedModel: 'sonnet',
      maxEventChars: 50,
      files: new ArtifactFiles(dir.path, 'P/T1#1', 1),
      emit: (e) => events.push(e),
      onRetrySignal: () => undefined,
      onResult: () => seen.push('result'),
      onToolCall: (id) => seen.push(`call ${id}`),
      onToolResult: (id) => seen.push(`done ${id}`),
      onEcho: (text) => seen.push(`echo ${text}`),
    });
    const init = JSON.stringify({ type: 'system', subtype: 'init', session_id: 'S1', model: 'claude-sonnet-5', tools: [] });
    const echo = (text: string) => JSON.stringify({ type: 'user', message: { role: 'user', content: text }, isReplay: true, session_id: 'S1' });
    t.line(init);
    t.line(echo('Do the task.'));
    t.line(assistant('claude-sonnet-5', [{ type: 'tool_use', id: 'tu1', name: 'Bash', input: { command: 'true' } }]));
    t.line(JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 'tu1', content: 'ok' }] } }));
    t.line(echo('[m1] hello'));
    t.line(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, result: 'first', session_id: 'S1', total_cost_usd: 0.1, usage: { input_tokens: 100, output_tokens: 10 } }));
    t.line(init);
    t.line(assistant('claude-sonnet-5', [{ type: 'text', text: 'answered m1' }]));
    t.line(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, result: 'second', session_id: 'S1', total_cost_usd: 0.2, usage: { input_tokens: 50, output_tokens: 5 } }));
    assert.deepEqual(seen, ['echo Do the task.', 'call tu1', 'done tu1', 'echo [m1] hello', 'result', 'result']);
    assert.deepEqual(kinds(events), ['init', 'tool-call', 'tool-result', 'text'], 'an echo is no tool result, and the second init is no new start');
    assert.deepEqual([t.result?.text, t.result?.costUsd, t.result?.inputTokens, t.result?.outputTokens], ['second', 0.2, 150, 15], "the session's cost so far, both turns' tokens");
  });

  it('keeps long text whole in a file and cuts it in the event', () => {
    const { t, events } = tracker();
    const long = 'a'.repeat(120);
    t.line(assistant('claude-sonnet-5', [{ type: 'text', text: long }]));
    const activity = events[0]?.type === 'attempt.activity' ? events[0].activity : undefined;
    assert.equal(activity?.kind, 'text');
    if (activity?.kind !== 'text' || activity.truncated === undefined) throw new Error('not truncated');
    assert.match(activity.text, /^a{50}… \[70 more characters in \//);
    assert.equal(readFileSync(activity.truncated, 'utf8'), long);
  });

  it("copies the whole output the CLI saved for a long tool result, and warns when it cannot", () => {
    const { t, events } = tracker();
    const saved = join(dir.path, 'tool-results', 'b1.txt');
    const whole = `${'line\n'.repeat(30_000)}end\n`;
    writeFileSync(join(dir.path, 'b1.txt'), whole);
    const moved = join(dir.path, 'b1.txt');
    const preview = (path: string) => `<persisted-output>\nOutput too large (146.5KB). Full output saved to: ${path}\n\nPreview (first 2KB):\nline\n...\n</persisted-output>`;
    const line = (id: string, path: string, text = preview(path)) =>
      JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: id, content: text }] }, tool_use_result: { stdout: 'line\n', persistedOutputPath: path, persistedOutputSize: whole.length } });
    t.line(line('tu1', moved));
    t.line(line('tu2', saved));
    // A result object whose path its block's text does not name is not that block's.
    t.line(line('tu3', moved, 'short'));
    const results = events.flatMap((e) => (e.type === 'attempt.activity' && (e.activity.kind === 'tool-result' || e.activity.kind === 'warning') ? [e.activity] : []));
    const [first, warning, second, third] = results;
    if (first?.kind !== 'tool-result' || first.truncated === undefined) throw new Error(JSON.stringify(results));
    assert.equal(readFileSync(first.truncated, 'utf8'), whole);
    assert.match(first.text, /^<persisted-output>\nOutput too large/);
    assert.match(first.text, new RegExp(`more characters in ${first.truncated}\\]$`));
    assert.equal(warning?.kind, 'warning');
    assert.match(warning?.kind === 'warning' ? warning.message : '', /could not copy .*only its preview is kept/);
    assert.equal(second?.kind === 'tool-result' && second.truncated !== undefined && readFileSync(second.truncated, 'utf8'), preview(saved), 'the preview, cut, is all there is');
    assert.deepEqual(third, { kind: 'tool-result', toolUseId: 'tu3', isError: false, text: 'short' });
  });

  it('warns about malformed lines and carries on', () => {
    const { t, events } = tracker();
    t.line('{"type": "assistant", broken');
    t.line('[1,2]');
    t.line(assistant('claude-sonnet-5', [{ type: 'text', text: 'still here' }]));
    assert.deepEqual(kinds(events), ['warning', 'warning', 'text']);
  });

  it('emits one model.mismatched per distinct wrong model, and none for synthetic error messages', () => {
    const { t, events } = tracker('sonnet');
    t.line(assistant('<synthetic>', [{ type: 'text', text: 'API Error' }], { error: 'rate_limit' }));
    t.line(assistant('claude-haiku-4-5', [{ type: 'text', text: 'a' }]));
    t.line(assistant('claude-haiku-4-5', [{ type: 'text', text: 'b' }]));
    assert.deepEqual(events.filter((e) => e.type === 'model.mismatched'), [
      { type: 'model.mismatched', attemptId: 'P/T1#1', requested: 'sonnet', used: 'claude-haiku-4-5' },
    ]);
    assert.equal(t.apiError, 'rate_limit');
    assert.equal(t.modelUsed(), 'claude-haiku-4-5');
  });

  it('signals only rate limits and overloads among the CLI retries', () => {
    const { t, events, signals } = tracker();
    const retry = (status: number): string => JSON.stringify({ type: 'system', subtype: 'api_retry', attempt: 1, max_retries: 1, retry_delay_ms: 600.4, error_status: status });
    t.line(retry(500));
    t.line(retry(429));
    assert.deepEqual(signals, [429]);
    assert.deepEqual(kinds(events), ['retry', 'retry']);
    assert.equal(t.retrySignal?.delayMs, 600);
  });
});
