// What the scripted model answers to one request. Replies are API-neutral: the wire modules
// render them as Anthropic Messages or OpenAI Chat Completions, streaming or not.

import { createHash } from 'node:crypto';

export interface TextBlock {
  readonly type: 'text';
  readonly text: string;
}

export interface ToolUseBlock {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** Extended thinking, as a real model streams it before its text and tool calls; Chat Completions has no such block and drops it. */
export interface ThinkingBlock {
  readonly type: 'thinking';
  readonly thinking: string;
  /** Opaque to clients, who must send it back unchanged with the block. */
  readonly signature: string;
}

/** Thinking the safety systems encrypted: clients see only opaque `data`. */
export interface RedactedThinkingBlock {
  readonly type: 'redacted_thinking';
  readonly data: string;
}

export type ContentBlock = TextBlock | ToolUseBlock | ThinkingBlock | RedactedThinkingBlock;

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Prompt-cache tokens, billed apart from `inputTokens` as the API reports them; default 0. */
  readonly cacheCreationInputTokens?: number;
  readonly cacheReadInputTokens?: number;
}

export interface MessageReply {
  readonly kind: 'message';
  readonly content: readonly ContentBlock[];
  /** Defaults to `tool_use` when a tool_use block is present, else `end_turn`. */
  readonly stopReason?: StopReason;
  /** The model named in the answer; defaults to the model the request asked for. */
  readonly model?: string;
  readonly usage?: Usage;
  /** Wait this long before the first byte: a slow model. */
  readonly delayMs?: number;
  /** Wait this long between the stream's events: a turn that is still streaming after `message_start`. */
  readonly paceMs?: number;
}

export interface ErrorReply {
  readonly kind: 'error';
  readonly status: number;
  /** Anthropic error type, e.g. `overloaded_error`; the OpenAI rendering maps it. */
  readonly errorType: string;
  readonly message: string;
  readonly retryAfterSec?: number;
}

/** Never answer: the response stays open until the client leaves or the server closes. */
export interface HangReply {
  readonly kind: 'hang';
}

/** A 200 event stream whose body is not SSE at all. */
export interface GarbageReply {
  readonly kind: 'garbage';
  readonly bytes?: string;
}

/** A stream that starts well and then loses its connection after `afterEvents` SSE events. */
export interface CutOffReply {
  readonly kind: 'cut-off';
  readonly afterEvents?: number;
}

export type Reply = MessageReply | ErrorReply | HangReply | GarbageReply | CutOffReply;

export const DEFAULT_USAGE: Usage = { inputTokens: 100, outputTokens: 20 };

export function textReply(text: string, extra: Partial<Omit<MessageReply, 'kind' | 'content'>> = {}): MessageReply {
  return { kind: 'message', content: [{ type: 'text', text }], ...extra };
}

let toolUseCounter = 0;

export function toolUseReply(
  name: string,
  input: Readonly<Record<string, unknown>>,
  extra: Partial<Omit<MessageReply, 'kind' | 'content'>> & { readonly text?: string } = {},
): MessageReply {
  toolUseCounter += 1;
  const { text, ...rest } = extra;
  const id = `toolu_scripted_${String(toolUseCounter).padStart(4, '0')}`;
  const blocks: ContentBlock[] = text === undefined ? [] : [{ type: 'text', text }];
  blocks.push({ type: 'tool_use', id, name, input });
  return { kind: 'message', content: blocks, ...rest };
}

/** A signature that looks like the API's (long base64) and is stable for the same thinking. */
function signatureFor(seed: string): string {
  const digest = createHash('sha512').update(seed).digest();
  return Buffer.concat([Buffer.from([0x12, 0x08]), digest, createHash('sha512').update(digest).digest()]).toString('base64');
}

let redactedCounter = 0;

export function thinkingBlock(thinking: string, signature: string = signatureFor(`thinking:${thinking}`)): ThinkingBlock {
  return { type: 'thinking', thinking, signature };
}

export function redactedThinkingBlock(data: string = signatureFor(`redacted:${String((redactedCounter += 1))}`)): RedactedThinkingBlock {
  return { type: 'redacted_thinking', data };
}

/** The same answer, thinking first: how a model with extended thinking on answers every turn. */
export function withThinking(reply: MessageReply, ...blocks: readonly (ThinkingBlock | RedactedThinkingBlock)[]): MessageReply {
  return { ...reply, content: [...blocks, ...reply.content] };
}

export function stopReasonOf(reply: MessageReply): StopReason {
  if (reply.stopReason !== undefined) return reply.stopReason;
  return reply.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
}
