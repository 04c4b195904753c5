// A model request as a scenario sees it: the same shape for both APIs, parsed defensively
// because the body comes from whatever client is talking to us.

export type ModelApi = 'anthropic' | 'openai';

export interface ScriptedToolUse {
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

export interface ScriptedToolResult {
  readonly toolUseId: string;
  readonly text: string;
  readonly isError: boolean;
}

export interface ScriptedMessage {
  readonly role: string;
  readonly text: string;
  readonly toolUses: readonly ScriptedToolUse[];
  readonly toolResults: readonly ScriptedToolResult[];
}

export interface ScriptedRequest {
  readonly api: ModelApi;
  readonly model: string;
  readonly stream: boolean;
  readonly system: string;
  readonly messages: readonly ScriptedMessage[];
  /** Names of the tools offered to the model. */
  readonly tools: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  /** The claude CLI's `x-claude-code-session-id`, when present. */
  readonly sessionId?: string;
  /** Assistant messages so far: 0 on a conversation's first call, 1 after one tool round... */
  readonly turn: number;
  /** Assistant messages since the latest prompt (a user message that is not tool results): a resumed session restarts at 0. */
  readonly turnSincePrompt: number;
  /** The text of that latest prompt. */
  readonly promptText: string;
  /** All user-authored text (tool results excluded), joined by newlines. */
  readonly userText: string;
  /** The working directory the claude CLI announces in its system prompt, if any. */
  readonly cwd?: string;
  readonly body: unknown;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (isObject(part) && (part.type === 'text' || part.type === undefined) ? str(part.text) : ''))
    .filter((t) => t !== '')
    .join('\n');
}

function anthropicMessage(raw: unknown): ScriptedMessage {
  const m = isObject(raw) ? raw : {};
  const content = Array.isArray(m.content) ? (m.content as unknown[]) : [];
  const toolUses: ScriptedToolUse[] = [];
  const toolResults: ScriptedToolResult[] = [];
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block.type === 'tool_use') toolUses.push({ id: str(block.id), name: str(block.name), input: block.input });
    if (block.type === 'tool_result') {
      toolResults.push({ toolUseId: str(block.tool_use_id), text: textOf(block.content), isError: block.is_error === true });
    }
  }
  return { role: str(m.role), text: textOf(m.content), toolUses, toolResults };
}

function openaiMessage(raw: unknown): ScriptedMessage {
  const m = isObject(raw) ? raw : {};
  const role = str(m.role);
  const calls = Array.isArray(m.tool_calls) ? (m.tool_calls as unknown[]) : [];
  const toolUses = calls.filter(isObject).map((c) => {
    const fn = isObject(c.function) ? c.function : {};
    return { id: str(c.id), name: str(fn.name), input: parseJsonOr(str(fn.arguments)) };
  });
  const toolResults =
    role === 'tool' ? [{ toolUseId: str(m.tool_call_id), text: textOf(m.content), isError: false }] : [];
  return { role, text: role === 'tool' ? '' : textOf(m.content), toolUses, toolResults };
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.filter(isObject).map((t) => (isObject(t.function) ? str(t.function.name) : str(t.name)));
}

const CWD_LINE = /Primary working directory: (.+)/;

export function parseModelRequest(api: ModelApi, body: unknown, headers: Readonly<Record<string, string>>): ScriptedRequest {
  const b = isObject(body) ? body : {};
  const rawMessages = Array.isArray(b.messages) ? (b.messages as unknown[]) : [];
  const parsed = rawMessages.map(api === 'anthropic' ? anthropicMessage : openaiMessage);
  // OpenAI puts the system prompt among the messages; the CLI also sends mid-conversation
  // `system` messages. Either way they are instructions, not conversation.
  const systemParts = [api === 'anthropic' ? textOf(b.system) : ''];
  const messages: ScriptedMessage[] = [];
  for (const m of parsed) {
    if (m.role === 'system' || m.role === 'developer') systemParts.push(m.text);
    else messages.push(m);
  }
  const system = systemParts.filter((s) => s !== '').join('\n');
  const promptIndex = messages.findLastIndex((m) => m.role === 'user' && m.toolResults.length === 0);
  const sessionId = headers['x-claude-code-session-id'];
  const cwd = CWD_LINE.exec(system)?.[1]?.trim();
  return {
    api,
    model: str(b.model),
    stream: b.stream === true,
    system,
    messages,
    tools: toolNames(b.tools),
    headers,
    ...(sessionId === undefined ? {} : { sessionId }),
    turn: messages.filter((m) => m.role === 'assistant').length,
    turnSincePrompt: messages.slice(promptIndex + 1).filter((m) => m.role === 'assistant').length,
    promptText: messages[promptIndex]?.text ?? '',
    userText: messages
      .filter((m) => m.role === 'user')
      .map((m) => m.text)
      .join('\n'),
    ...(cwd === undefined ? {} : { cwd }),
    body,
  };
}

/**
 * The claude CLI's own housekeeping calls (session titles, summaries) must not consume a
 * scenario's steps. Measured with 2.1.197: they offer no tools and, unlike every agent turn
 * (even one run with `--tools ""`), carry no `context_management`.
 */
export function isSideRequest(request: ScriptedRequest): boolean {
  const fromCli = (request.headers['user-agent'] ?? '').startsWith('claude-cli/') || request.sessionId !== undefined;
  const body = isObject(request.body) ? request.body : {};
  return fromCli && request.tools.length === 0 && body.context_management === undefined;
}

/** What ties calls of one conversation together: the CLI's session, else the opening message. */
export function conversationKey(request: ScriptedRequest): string {
  if (request.sessionId !== undefined) return `session:${request.sessionId}`;
  const first = request.messages.find((m) => m.role === 'user');
  return `text:${request.system.slice(0, 200)}\u0000${first?.text.slice(0, 400) ?? ''}`;
}
