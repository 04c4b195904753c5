// What travels between the dashboard page inside a VS Code webview and the extension host. The
// page speaks the same protocol as over the WebSocket (dashboard-messages.ts), wrapped for
// postMessage: no token (the webview is the extension's own), a `ready` handshake instead of
// `auth`, and commands as numbered requests answered with the REST reply shape.

// zod/mini: the page bundles this file, and the full zod would more than double its size.
import * as z from 'zod/mini';
import { RUN_ID_PATTERN, type AgentsRequest, type ApiReply, type SubscribeMessage, type ToClientMessage } from './dashboard-messages';
import { EVENT_TYPES } from './events';

/** The page has mounted and listens; the host answers with the run list. */
export interface ReadyMessage {
  readonly type: 'ready';
}

export type RunAction = 'pause' | 'resume' | 'cancel';

export interface ControlMessage {
  readonly type: 'control';
  /** Chosen by the page to match the reply to its request. */
  readonly id: number;
  readonly runId: string;
  readonly action: RunAction;
}

/** The person's answer to a task's open question (the question banner's form). */
export interface AnswerMessage {
  readonly type: 'answer';
  readonly id: number;
  readonly runId: string;
  /** The asking task: PRD-1/T2. */
  readonly task: string;
  readonly text: string;
}

/** A person gives an open defect to another agent (and model), as `POST /runs/:id/defects/:defectId/reassign` does. */
export interface ReassignDefectMessage {
  readonly type: 'reassignDefect';
  readonly id: number;
  readonly runId: string;
  readonly defectId: string;
  readonly agent: string;
  readonly model?: string;
}

/** A file of a run's evidence (a screenshot): answered with a data: URL the page shows as an image. */
export interface EvidenceMessage {
  readonly type: 'evidence';
  readonly id: number;
  readonly runId: string;
  /** The file's name in the run's evidence directory. */
  readonly file: string;
}

/** Asks for the runs of a roadmap (what `GET /api/v1/history` returns); answered by a `reply` with the same id. */
export interface HistoryRequest {
  readonly type: 'history';
  readonly id: number;
  readonly roadmap: string;
}

export type PageMessage = ReadyMessage | SubscribeMessage | ControlMessage | AgentsRequest | AnswerMessage | ReassignDefectMessage | EvidenceMessage | HistoryRequest;

export interface ReplyMessage {
  readonly type: 'reply';
  readonly id: number;
  readonly reply: ApiReply<unknown>;
}

/** The levels a tree item can open the dashboard at (the hash routes of docs/design.md §5). */
export type NavigateLevel = 'milestone' | 'prd' | 'task' | 'attempt';

/** Show this run's item at its level: the editor's "Open in Dashboard" on a tree item. */
export interface NavigateMessage {
  readonly type: 'navigate';
  /** The run the item belongs to; absent for a plan shown before any run. */
  readonly runId?: string;
  readonly level: NavigateLevel;
  readonly id: string;
}

export type HostMessage = ToClientMessage | ReplyMessage | NavigateMessage;

export type Parsed<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

const runId = z.string().check(z.regex(RUN_ID_PATTERN));
const name = z.string().check(z.minLength(1), z.maxLength(128));
const requestId = z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
const seq = (min: number) => z.int().check(z.minimum(min), z.maximum(Number.MAX_SAFE_INTEGER));

const pageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('subscribe'), runId, after: seq(0) }),
  z.strictObject({ type: z.literal('control'), id: requestId, runId, action: z.enum(['pause', 'resume', 'cancel']) }),
  z.strictObject({ type: z.literal('agents'), id: requestId }),
  // The same bounds as the HTTP route's body (answer-schemas.ts).
  z.strictObject({ type: z.literal('answer'), id: requestId, runId, task: z.string().check(z.minLength(1), z.maxLength(200)), text: z.string().check(z.minLength(1), z.maxLength(20_000)) }),
  z.strictObject({ type: z.literal('reassignDefect'), id: requestId, runId, defectId: name, agent: name, model: z.optional(name) }),
  z.strictObject({ type: z.literal('evidence'), id: requestId, runId, file: z.string().check(z.minLength(1), z.maxLength(255)) }),
  z.strictObject({ type: z.literal('history'), id: requestId, roadmap: z.string().check(z.minLength(1), z.maxLength(4096)) }),
]);

// The host is trusted, so the page checks the envelope each view relies on (types, ids, sequence
// numbers) rather than re-validating every field of a 500-task snapshot on each message.
const runSummary = z.looseObject({ runId: z.string(), state: z.string(), roadmapFile: z.string(), startedAt: z.string(), updatedAt: z.string() });
const event = z.looseObject({ seq: seq(1), type: z.enum(EVENT_TYPES as [string, ...string[]]), runId: z.string() });
const snapshot = z.looseObject({ runId: z.string(), lastSeq: seq(0), state: z.string(), tasks: z.record(z.string(), z.unknown()) });
// The Agents view shows every one of these fields, so they are all checked.
const agentSummary = z.looseObject({
  name: z.string(),
  description: z.string(),
  model: z.string(),
  provider: z.string(),
  team: z.nullable(z.string()),
  phases: z.array(z.string()),
});
const agentsReply = z.looseObject({ agents: z.array(agentSummary), invalid: z.array(z.looseObject({ file: z.string(), line: z.number(), message: z.string() })) });
const hostSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('authenticated'), runs: z.array(runSummary) }),
  z.strictObject({ type: z.literal('runs'), runs: z.array(runSummary) }),
  z.strictObject({ type: z.literal('snapshot'), runId: z.string(), snapshot: z.nullable(snapshot) }),
  z.strictObject({ type: z.literal('events'), runId: z.string(), events: z.array(event) }),
  z.strictObject({ type: z.literal('error'), message: z.string() }),
  z.strictObject({
    type: z.literal('agents'),
    id: requestId,
    reply: z.union([z.strictObject({ ok: z.literal(true), value: agentsReply }), z.strictObject({ ok: z.literal(false), error: z.string() })]),
  }),
  z.strictObject({
    type: z.literal('navigate'),
    runId: z.optional(runId),
    level: z.enum(['milestone', 'prd', 'task', 'attempt']),
    // Ids are qualified (`PRD-1/T2`, `PRD-1/T2#1`); the page URI-encodes them into its route.
    id: z.string().check(z.minLength(1), z.maxLength(200)),
  }),
  z.strictObject({
    type: z.literal('reply'),
    id: requestId,
    reply: z.union([z.strictObject({ ok: z.literal(true), value: z.unknown() }), z.strictObject({ ok: z.literal(false), error: z.string() })]),
  }),
]);

/** Parses what the page posted; the error names the offending field. */
export function parsePageMessage(value: unknown): Parsed<PageMessage> {
  const parsed = pageSchema.safeParse(value);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, error: describeIssue(parsed.error) };
}

/** Parses what the host posted. */
export function parseHostMessage(value: unknown): Parsed<HostMessage> {
  const parsed = hostSchema.safeParse(value);
  // The envelope is checked; the payload types are the host's own, produced by the same fold.
  return parsed.success ? { ok: true, message: parsed.data as unknown as HostMessage } : { ok: false, error: describeIssue(parsed.error) };
}

function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return `invalid message: ${issue === undefined ? 'unknown shape' : `${issue.path.join('.') || '(root)'}: ${issue.message}`}`;
}
