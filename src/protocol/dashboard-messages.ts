// What travels between the dashboard server (or, later, the extension host) and the dashboard
// app. One readonly union per direction. What the browser sends crosses a trust boundary, so
// the server parses it with the zod schema below; what the server sends is only typed.

import { z } from 'zod';
import type { RunState } from './domain';
import type { OrchEvent } from './events';
import type { RunSnapshot } from './run-snapshot';

/** Run ids become folder names, so they are restricted to what cannot escape `.orch/runs/`. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface RunSummary {
  readonly runId: string;
  readonly state: RunState;
  readonly roadmapFile: string;
  readonly startedAt: string;
  readonly updatedAt: string;
}

/** Every REST reply. */
export type ApiReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface AgentSummary {
  readonly name: string;
  readonly description: string;
  readonly model: string;
  readonly provider: string;
  readonly tools: readonly string[] | null;
  readonly team: string | null;
  readonly phases: readonly string[];
  readonly source: string;
}

export interface AgentsReply {
  readonly agents: readonly AgentSummary[];
  readonly invalid: readonly { readonly file: string; readonly line: number; readonly message: string }[];
}

/** Must be a socket's first message; until it arrives the server sends nothing. */
export interface AuthMessage {
  readonly type: 'auth';
  readonly token: string;
}

/**
 * Follow one run. `after` is the last sequence number the client has folded: 0 asks for a
 * snapshot, anything else for exactly the events after it (how a reconnect resumes).
 */
export interface SubscribeMessage {
  readonly type: 'subscribe';
  readonly runId: string;
  readonly after: number;
}

/** Asks for the agent registry (what `GET /api/agents` returns); answered by an `agents` message with the same id. */
export interface AgentsRequest {
  readonly type: 'agents';
  /** Chosen by the client to match the answer to its request. */
  readonly id: number;
}

export type ToServerMessage = AuthMessage | SubscribeMessage | AgentsRequest;

export interface AuthenticatedMessage {
  readonly type: 'authenticated';
  readonly runs: readonly RunSummary[];
  /** `read`: the page shows no controls (a read token's POSTs get 403). Absent: control. */
  readonly scope?: 'read' | 'control';
}

export interface RunsMessage {
  readonly type: 'runs';
  readonly runs: readonly RunSummary[];
}

export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly runId: string;
  /** Null while the run's log holds no event yet. */
  readonly snapshot: RunSnapshot | null;
}

/** Consecutive events of one run, in sequence order. */
export interface EventsMessage {
  readonly type: 'events';
  readonly runId: string;
  readonly events: readonly OrchEvent[];
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

export interface AgentsMessage {
  readonly type: 'agents';
  readonly id: number;
  readonly reply: ApiReply<AgentsReply>;
}

export type ToClientMessage = AuthenticatedMessage | RunsMessage | SnapshotMessage | EventsMessage | ErrorMessage | AgentsMessage;

const authSchema = z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(256) });
const subscribeSchema = z.strictObject({
  type: z.literal('subscribe'),
  runId: z.string().regex(RUN_ID_PATTERN),
  after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
const agentsSchema = z.strictObject({ type: z.literal('agents'), id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
const toServerSchema = z.discriminatedUnion('type', [authSchema, subscribeSchema, agentsSchema]);

/** Parses a message from a client; the error quotes what was wrong, never the token. */
export function parseToServerMessage(raw: string): { readonly ok: true; readonly message: ToServerMessage } | { readonly ok: false; readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'message is not valid JSON' };
  }
  const parsed = toServerSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `invalid message: ${issue === undefined ? 'unknown shape' : `${issue.path.join('.') || '(root)'}: ${issue.message}`}` };
}
