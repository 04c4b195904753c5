// Renders replies as the OpenAI Chat Completions API: one `chat.completion`, or a stream of
// `chat.completion.chunk`s ending in `[DONE]`, with a usage chunk when the client asked for it.

import type { ServerResponse } from 'node:http';
import { pieces } from './anthropic-wire';
import { DEFAULT_USAGE, stopReasonOf, type ErrorReply, type MessageReply } from './reply';

function finishReason(reply: MessageReply): string {
  const stop = stopReasonOf(reply);
  return stop === 'tool_use' ? 'tool_calls' : stop === 'max_tokens' ? 'length' : 'stop';
}

function usageJson(reply: MessageReply): Record<string, number> {
  const u = reply.usage ?? DEFAULT_USAGE;
  return { prompt_tokens: u.inputTokens, completion_tokens: u.outputTokens, total_tokens: u.inputTokens + u.outputTokens };
}

function textOf(reply: MessageReply): string | null {
  const texts = reply.content.flatMap((b) => (b.type === 'text' ? [b.text] : []));
  return texts.length === 0 ? null : texts.join('');
}

function toolCalls(reply: MessageReply): Record<string, unknown>[] {
  return reply.content.flatMap((b) =>
    b.type === 'tool_use' ? [{ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input) } }] : [],
  );
}

export function openaiCompletionJson(reply: MessageReply, model: string, id: string): Record<string, unknown> {
  const calls = toolCalls(reply);
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: reply.model ?? model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: textOf(reply), refusal: null, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
        finish_reason: finishReason(reply),
        logprobs: null,
      },
    ],
    usage: usageJson(reply),
  };
}

export function openaiChunks(reply: MessageReply, model: string, id: string, includeUsage: boolean): Record<string, unknown>[] {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null): Record<string, unknown> => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: reply.model ?? model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  const out = [chunk({ role: 'assistant', content: '' }, null)];
  const text = textOf(reply);
  if (text !== null) for (const piece of pieces(text)) out.push(chunk({ content: piece }, null));
  toolCalls(reply).forEach((call, index) => {
    const fn = call.function as { name: string; arguments: string };
    out.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: fn.name, arguments: '' } }] }, null));
    for (const piece of pieces(fn.arguments, 2)) out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null));
  });
  out.push(chunk({}, finishReason(reply)));
  if (includeUsage) out.push({ id, object: 'chat.completion.chunk', created, model: reply.model ?? model, choices: [], usage: usageJson(reply) });
  return out;
}

export function openaiSse(data: Record<string, unknown> | '[DONE]'): string {
  return `data: ${data === '[DONE]' ? data : JSON.stringify(data)}\n\n`;
}

export function writeOpenaiError(res: ServerResponse, reply: ErrorReply): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (reply.retryAfterSec !== undefined) headers['retry-after'] = String(reply.retryAfterSec);
  res.writeHead(reply.status, headers);
  res.end(JSON.stringify({ error: { message: reply.message, type: reply.errorType, param: null, code: reply.errorType } }));
}
