// Renders replies as the Anthropic Messages API: one JSON message, or the SSE event sequence
// message_start, content_block_start/delta/stop per block, message_delta, message_stop. Thinking
// streams as thinking_delta pieces then one signature_delta; redacted thinking arrives whole in
// its content_block_start, as the API sends them.

import type { ServerResponse } from 'node:http';
import { DEFAULT_USAGE, stopReasonOf, type ContentBlock, type ErrorReply, type MessageReply } from './reply';

export interface SseEvent {
  readonly event: string;
  readonly data: Readonly<Record<string, unknown>>;
}

function blockJson(block: ContentBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
  }
}

function blockStart(block: ContentBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'tool_use':
      return { ...blockJson(block), input: {} };
    case 'thinking':
      return { type: 'thinking', thinking: '' };
    case 'redacted_thinking':
      return blockJson(block);
  }
}

function blockDeltas(block: ContentBlock): Record<string, unknown>[] {
  switch (block.type) {
    case 'text':
      return pieces(block.text).map((text) => ({ type: 'text_delta', text }));
    case 'tool_use':
      return pieces(JSON.stringify(block.input), 2).map((partial_json) => ({ type: 'input_json_delta', partial_json }));
    case 'thinking':
      return [...pieces(block.thinking).map((thinking) => ({ type: 'thinking_delta', thinking })), { type: 'signature_delta', signature: block.signature }];
    case 'redacted_thinking':
      return [];
  }
}

export function anthropicMessageJson(reply: MessageReply, model: string, id: string): Record<string, unknown> {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: reply.model ?? model,
    content: reply.content.map(blockJson),
    stop_reason: stopReasonOf(reply),
    stop_sequence: null,
    usage: {
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cache_creation_input_tokens: usage.cacheCreationInputTokens ?? 0,
      cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
    },
  };
}

/** Splits a string into a few pieces so clients see real incremental deltas. */
export function pieces(text: string, count = 3): string[] {
  if (text.length <= count) return [text];
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function anthropicEvents(reply: MessageReply, model: string, id: string): SseEvent[] {
  const usage = reply.usage ?? DEFAULT_USAGE;
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          ...anthropicMessageJson(reply, model, id),
          content: [],
          stop_reason: null,
          usage: {
            input_tokens: usage.inputTokens,
            output_tokens: 1,
            cache_creation_input_tokens: usage.cacheCreationInputTokens ?? 0,
            cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
          },
        },
      },
    },
  ];
  reply.content.forEach((block, index) => {
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: blockStart(block) } });
    for (const delta of blockDeltas(block)) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta } });
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push({
    event: 'message_delta',
    data: { type: 'message_delta', delta: { stop_reason: stopReasonOf(reply), stop_sequence: null }, usage: { output_tokens: usage.outputTokens } },
  });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return events;
}

export function sseChunk(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

export function writeAnthropicError(res: ServerResponse, reply: ErrorReply): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': 'req_scripted' };
  if (reply.retryAfterSec !== undefined) headers['retry-after'] = String(reply.retryAfterSec);
  res.writeHead(reply.status, headers);
  res.end(JSON.stringify({ type: 'error', error: { type: reply.errorType, message: reply.message } }));
}
