// The messaging tools agents get (send_message, broadcast, read_inbox), and the port the
// runner serves them through. The orchestrator's message hub implements the port per attempt;
// the runner only knows this shape.

import type { ToolDefinition } from './orch-tools';

export interface ToolAnswer {
  readonly text: string;
  readonly isError?: boolean;
}

export interface MessagingPort {
  send(to: string, text: string): Promise<ToolAnswer>;
  broadcast(text: string, scope: string): Promise<ToolAnswer>;
  readInbox(): Promise<ToolAnswer>;
  /** Waits for the person's answer (orch answer, the dashboard, the editor); the task shows as needing input meanwhile. */
  ask(question: string): Promise<ToolAnswer>;
  /** Messages for the agent's context right now (while one of its tool calls runs), recorded as delivered; '' when none wait. */
  takeLive(): Promise<string>;
  /** Calls `listener` (never from inside the event log's listeners) when a message for this agent is sent; returns the unsubscribe. */
  onArrival(listener: () => void): () => void;
  /** Runs a short read-only attempt of `agent` with `question` as its prompt; its final text is the answer. */
  consult?(agent: string, question: string): Promise<ToolAnswer>;
}

export const MESSAGE_TOOLS: readonly ToolDefinition[] = [
  {
    name: 'send_message',
    description:
      "Send a message to another agent of this run: `to` is a task id (T2, or PRD-1/T2), an agent name, or `person` (the one running the run). Orch records it and puts it into the recipient's context after its current tool call; an unknown name is an error listing the valid ones.",
    inputSchema: {
      type: 'object',
      properties: {
        to: { type: 'string', description: 'A task id (T2 or PRD-1/T2), an agent name, or person.' },
        text: { type: 'string', description: 'The message.' },
      },
      required: ['to', 'text'],
      additionalProperties: false,
    },
  },
  {
    name: 'broadcast',
    description: "Send one message to every unfinished task in a scope: `prd` (this task's PRD), `run` (the whole run) or a team's name.",
    inputSchema: {
      type: 'object',
      properties: {
        text: { type: 'string', description: 'The message.' },
        scope: { type: 'string', description: 'prd, run, or a team name.' },
      },
      required: ['text', 'scope'],
      additionalProperties: false,
    },
  },
  {
    name: 'read_inbox',
    description: 'Every message sent to this task so far, oldest first, with who sent it and when. Messages also reach you by themselves after your tool calls.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'ask_person',
    description:
      'Ask the person running the run a question you cannot answer yourself (a decision, a credential, a missing requirement). The call waits until they answer and returns the answer; your task shows as needing input meanwhile.',
    inputSchema: {
      type: 'object',
      properties: { question: { type: 'string', description: 'One clear question, with the options if there are any.' } },
      required: ['question'],
      additionalProperties: false,
    },
  },
  {
    name: 'consult',
    description:
      "Ask another agent of this project (by agent name) a question: Orch runs a short read-only attempt of it (Read, Grep, Glob) in your worktree and returns its answer. It costs your task; several consults may run at once. An unknown agent is an error listing the valid names.",
    inputSchema: {
      type: 'object',
      properties: {
        agent: { type: 'string', description: 'The agent to consult, by name (e.g. qa-engineer).' },
        question: { type: 'string', description: 'The whole question: the agent sees nothing else of your task.' },
      },
      required: ['agent', 'question'],
      additionalProperties: false,
    },
  },
];

export const MESSAGE_TOOL_NAMES: readonly string[] = MESSAGE_TOOLS.map((t) => t.name);

function str(args: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = args[key];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** A messaging tool's call, its arguments checked, answered through the port. */
export async function callMessageTool(port: MessagingPort, name: string, args: Readonly<Record<string, unknown>>): Promise<ToolAnswer> {
  const text = str(args, 'text');
  if (name === 'read_inbox') return port.readInbox();
  if (name === 'ask_person') {
    const question = str(args, 'question');
    return question === undefined ? { text: `question must be a non-empty string, got ${JSON.stringify(args.question)}`, isError: true } : port.ask(question);
  }
  if (name === 'consult') {
    const agent = str(args, 'agent');
    const question = str(args, 'question');
    if (agent === undefined) return { text: `agent must be a non-empty agent name, got ${JSON.stringify(args.agent)}`, isError: true };
    if (question === undefined) return { text: `question must be a non-empty string, got ${JSON.stringify(args.question)}`, isError: true };
    return port.consult === undefined ? { text: 'consult is not available in this attempt', isError: true } : port.consult(agent, question);
  }
  if (text === undefined) return { text: `text must be a non-empty string, got ${JSON.stringify(args.text)}`, isError: true };
  if (name === 'send_message') {
    const to = str(args, 'to');
    if (to === undefined) return { text: `to must be a non-empty string (a task id, an agent name or person), got ${JSON.stringify(args.to)}`, isError: true };
    return port.send(to, text);
  }
  const scope = str(args, 'scope');
  if (scope === undefined) return { text: `scope must be prd, run or a team name, got ${JSON.stringify(args.scope)}`, isError: true };
  return port.broadcast(text, scope);
}
