// Typed views of the claude CLI's stream-json lines. The stream is another program's output, so
// every field is checked; a line that is not what we expect is reported, never trusted.

import { isAbsolute } from 'node:path';

export type Json = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export type ParsedLine = { readonly ok: true; readonly message: Json & { readonly type: string } } | { readonly ok: false; readonly reason: string };

export function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not JSON (${error instanceof Error ? error.message : String(error)}): ${line.slice(0, 200)}` };
  }
  if (!isObject(value) || typeof value.type !== 'string') return { ok: false, reason: `JSON without a "type": ${line.slice(0, 200)}` };
  return { ok: true, message: value as Json & { readonly type: string } };
}

export interface InitLine {
  readonly sessionId: string;
  readonly model: string;
  readonly tools: readonly string[];
}

export function readInit(m: Json): InitLine | undefined {
  if (m.type !== 'system' || m.subtype !== 'init') return undefined;
  const sessionId = str(m.session_id);
  if (sessionId === undefined) return undefined;
  const tools = Array.isArray(m.tools) ? m.tools.filter((t): t is string => typeof t === 'string') : [];
  return { sessionId, model: str(m.model) ?? '', tools };
}

export type AssistantBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly text: string; readonly redacted: boolean }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: unknown };

export interface AssistantLine {
  /** The API message this line is part of: the CLI streams one line per content block. */
  readonly messageId?: string;
  readonly model: string;
  /** The CLI's stand-in for an API error (`model: "<synthetic>"`), with its error code. */
  readonly synthetic: boolean;
  readonly error?: string;
  readonly blocks: readonly AssistantBlock[];
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export function readAssistant(m: Json): AssistantLine | undefined {
  if (m.type !== 'assistant' || !isObject(m.message)) return undefined;
  const msg = m.message;
  const content = Array.isArray(msg.content) ? msg.content : [];
  const blocks: AssistantBlock[] = [];
  for (const b of content) {
    if (!isObject(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') blocks.push({ type: 'text', text: b.text });
    if (b.type === 'thinking' && typeof b.thinking === 'string') blocks.push({ type: 'thinking', text: b.thinking, redacted: false });
    if (b.type === 'redacted_thinking') blocks.push({ type: 'thinking', text: '', redacted: true });
    if (b.type === 'tool_use') blocks.push({ type: 'tool_use', id: str(b.id) ?? '', name: str(b.name) ?? '', input: b.input });
  }
  const usage = isObject(msg.usage) ? msg.usage : {};
  const model = str(msg.model) ?? '';
  const error = str(m.error);
  const messageId = str(msg.id);
  return {
    ...(messageId === undefined ? {} : { messageId }),
    model,
    synthetic: model === '<synthetic>',
    ...(error === undefined ? {} : { error }),
    blocks,
    inputTokens: (num(usage.input_tokens) ?? 0) + (num(usage.cache_read_input_tokens) ?? 0) + (num(usage.cache_creation_input_tokens) ?? 0),
    outputTokens: num(usage.output_tokens) ?? 0,
  };
}

export interface ToolResultBlock {
  readonly toolUseId: string;
  readonly isError: boolean;
  readonly text: string;
  /**
   * The CLI cut a long output (a Bash command's, over ~30 KB) to a preview and saved all of it in
   * this file (`tool_use_result.persistedOutputPath`, which the preview names).
   */
  readonly persistedOutputPath?: string;
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined ? '' : JSON.stringify(content);
  return content
    .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : isObject(part) ? `[${String(part.type)}]` : ''))
    .join('\n');
}

/** The text of a user line the CLI echoes from its stdin (`isReplay`), as it was written. */
export function readEcho(m: Json): string | undefined {
  if (m.type !== 'user' || m.isReplay !== true || !isObject(m.message)) return undefined;
  return resultText(m.message.content);
}

export function readToolResults(m: Json): ToolResultBlock[] {
  if (m.type !== 'user' || !isObject(m.message) || !Array.isArray(m.message.content)) return [];
  const persisted = isObject(m.tool_use_result) ? str(m.tool_use_result.persistedOutputPath) : undefined;
  return m.message.content.filter(isObject).flatMap((b) => {
    if (b.type !== 'tool_result') return [];
    const text = resultText(b.content);
    // The line's one result object belongs to the block whose preview names its file.
    const own = persisted !== undefined && isAbsolute(persisted) && text.includes(persisted) ? { persistedOutputPath: persisted } : {};
    return [{ toolUseId: str(b.tool_use_id) ?? '', isError: b.is_error === true, text, ...own }];
  });
}

export interface ApiRetryLine {
  readonly attempt: number;
  readonly maxRetries: number;
  readonly delayMs: number;
  readonly errorStatus?: number;
  readonly error?: string;
}

export function readApiRetry(m: Json): ApiRetryLine | undefined {
  if (m.type !== 'system' || m.subtype !== 'api_retry') return undefined;
  const errorStatus = num(m.error_status);
  const error = str(m.error);
  return {
    attempt: num(m.attempt) ?? 0,
    maxRetries: num(m.max_retries) ?? 0,
    delayMs: Math.round(num(m.retry_delay_ms) ?? 0),
    ...(errorStatus === undefined ? {} : { errorStatus }),
    ...(error === undefined ? {} : { error }),
  };
}

export interface ResultLine {
  readonly subtype: string;
  readonly isError: boolean;
  readonly apiErrorStatus?: number;
  readonly text: string;
  readonly errors: readonly string[];
  readonly sessionId?: string;
  readonly costUsd?: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Model ids the CLI billed, `[1m]`-style suffixes included. */
  readonly models: readonly string[];
  readonly numTurns?: number;
}

export function readResult(m: Json): ResultLine | undefined {
  if (m.type !== 'result') return undefined;
  const usage = isObject(m.usage) ? m.usage : {};
  const apiErrorStatus = num(m.api_error_status);
  const sessionId = str(m.session_id);
  const costUsd = num(m.total_cost_usd);
  const numTurns = num(m.num_turns);
  return {
    subtype: str(m.subtype) ?? '',
    isError: m.is_error === true,
    ...(apiErrorStatus === undefined ? {} : { apiErrorStatus }),
    text: str(m.result) ?? '',
    errors: Array.isArray(m.errors) ? m.errors.filter((e): e is string => typeof e === 'string') : [],
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(costUsd === undefined ? {} : { costUsd }),
    inputTokens: (num(usage.input_tokens) ?? 0) + (num(usage.cache_read_input_tokens) ?? 0) + (num(usage.cache_creation_input_tokens) ?? 0),
    outputTokens: num(usage.output_tokens) ?? 0,
    models: isObject(m.modelUsage) ? Object.keys(m.modelUsage) : [],
    ...(numTurns === undefined ? {} : { numTurns }),
  };
}

/** Token counts from partial-message events: the only usage a run killed mid-way leaves behind. */
export function readStreamUsage(m: Json): { readonly inputTokens: number; readonly outputTokens: number } | undefined {
  if (m.type !== 'stream_event' || !isObject(m.event)) return undefined;
  const e = m.event;
  if (e.type === 'message_start' && isObject(e.message) && isObject(e.message.usage)) {
    const u = e.message.usage;
    return {
      inputTokens: (num(u.input_tokens) ?? 0) + (num(u.cache_read_input_tokens) ?? 0) + (num(u.cache_creation_input_tokens) ?? 0),
      outputTokens: 0,
    };
  }
  if (e.type === 'message_delta' && isObject(e.usage)) return { inputTokens: 0, outputTokens: num(e.usage.output_tokens) ?? 0 };
  return undefined;
}
