import { z } from 'zod';
import {
  agentsSchema,
  cancelReplySchema,
  controlReplySchema,
  healthSchema,
  historyQuerySchema,
  runHistorySchema,
  reassignDefectReplySchema,
  reassignDefectRequestSchema,
  openApiDocumentSchema,
  runEventsQuerySchema,
  runEventsSchema,
  runSnapshotSchema,
  runSummarySchema,
  startRunReplySchema,
  startRunRequestSchema,
} from '../protocol/api-schemas';
import { answerReplySchema, answerRequestSchema } from '../protocol/answer-schemas';
import { agentsHandler } from './handlers/agents';
import { answerQuestionHandler } from './handlers/answer-question';
import { healthHandler } from './handlers/health';
import { listRunsHandler } from './handlers/list-runs';
import { openApiHandler } from './handlers/openapi';
import { cancelRunHandler, controlRunHandler } from './handlers/run-control-handlers';
import { reassignDefectHandler } from './handlers/reassign-defect';
import { runEventsHandler } from './handlers/run-events';
import { runEvidenceHandler } from './handlers/run-evidence';
import { EVIDENCE_MEDIA } from '../orchestrator/views/read-evidence';
import { runHistoryHandler } from './handlers/run-history';
import { runSnapshotHandler } from './handlers/run-snapshot';
import { startRunHandler } from './handlers/start-run';
import type { RouteHandler } from './server-context';

/** `public` needs no token; `read` any valid token; `control` a control-scoped one, and is audited. */
export type RouteScope = 'public' | 'read' | 'control';

export interface ApiRoute {
  readonly method: 'GET' | 'POST';
  /** OpenAPI-style path under the API's base, `{name}` for one path segment. */
  readonly path: string;
  readonly scope: RouteScope;
  /** The audit log's name for what a control route does. */
  readonly action?: string;
  readonly summary: string;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** The `value` of a 200 (or 202) reply. */
  readonly response: z.ZodType;
  readonly status?: 200 | 202;
  /** The reply is `response` itself, not `{ok, value}` (the OpenAPI document). */
  readonly bare?: true;
  /** The reply is a file's own bytes, of one of these types, not JSON (`response` describes nothing then). */
  readonly media?: readonly string[];
  /** Served under /api/v1 only; the unversioned /api keeps what it had. */
  readonly v1Only?: boolean;
  readonly handler: RouteHandler;
}

// docs/design.md §5. Run ids never contain '/'.
export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/health', scope: 'public', summary: 'says a dashboard is here; no token', response: healthSchema, handler: healthHandler },
  { method: 'GET', path: '/openapi.json', scope: 'read', summary: 'this document', response: openApiDocumentSchema, bare: true, v1Only: true, handler: openApiHandler },
  { method: 'GET', path: '/runs', scope: 'read', summary: "the workspace's runs", response: runSummarySchema.array(), handler: listRunsHandler },
  {
    method: 'POST',
    path: '/runs',
    scope: 'control',
    action: 'run.start',
    summary: 'start a run of a roadmap in the workspace, in its own orch process; answers once it holds the workspace',
    body: startRunRequestSchema,
    response: startRunReplySchema,
    status: 202,
    v1Only: true,
    handler: startRunHandler,
  },
  { method: 'GET', path: '/runs/{runId}', scope: 'read', summary: "a run's folded state", response: runSnapshotSchema, handler: runSnapshotHandler },
  { method: 'GET', path: '/runs/{runId}/events', scope: 'read', summary: "a run's events after a sequence number", query: runEventsQuerySchema, response: runEventsSchema, handler: runEventsHandler },
  { method: 'POST', path: '/runs/{runId}/cancel', scope: 'control', action: 'run.cancel', summary: 'cancel a run (its agents stop)', response: cancelReplySchema, handler: cancelRunHandler },
  { method: 'POST', path: '/runs/{runId}/pause', scope: 'control', action: 'run.pause', summary: 'no new task starts; running ones finish', response: controlReplySchema, handler: controlRunHandler('pause') },
  { method: 'POST', path: '/runs/{runId}/resume', scope: 'control', action: 'run.resume', summary: 'a live paused run goes on', response: controlReplySchema, handler: controlRunHandler('resume') },
  // Messages travel in the run's snapshot (`GET /runs/{runId}`, its `messages`); the person answers here.
  { method: 'POST', path: '/runs/{runId}/answers', scope: 'control', action: 'answer', summary: "answer a task's open question (as orch answer does)", body: answerRequestSchema, response: answerReplySchema, handler: answerQuestionHandler },
  {
    method: 'POST',
    path: '/runs/{runId}/defects/{defectId}/reassign',
    scope: 'control',
    action: 'defect.reassign',
    summary: "give an open defect to another agent (and model) from the task's next attempt",
    body: reassignDefectRequestSchema,
    response: reassignDefectReplySchema,
    handler: reassignDefectHandler,
  },
  { method: 'GET', path: '/runs/{runId}/evidence/{file}', scope: 'read', summary: "a file of the run's evidence (a screenshot, a check's log), as its bytes", response: z.string(), media: EVIDENCE_MEDIA, v1Only: true, handler: runEvidenceHandler },
  { method: 'GET', path: '/history', scope: 'read', summary: 'one point per run of a roadmap, oldest first: cost per verified task, wall time, defects per task', query: historyQuerySchema, response: runHistorySchema, v1Only: true, handler: runHistoryHandler },
  { method: 'GET', path: '/agents', scope: 'read', summary: 'the agent registry, as orch agents --json', response: agentsSchema, handler: agentsHandler },
];

export const API_BASES = { v1: '/api/v1', legacy: '/api' } as const;

interface CompiledRoute {
  readonly route: ApiRoute;
  readonly pattern: RegExp;
}

function compile(base: string, route: ApiRoute): CompiledRoute {
  const source = route.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return { route, pattern: new RegExp(`^${base}${source}$`) };
}

const compiled: readonly CompiledRoute[] = [
  ...API_ROUTES.map((r) => compile(API_BASES.v1, r)),
  ...API_ROUTES.filter((r) => r.v1Only !== true).map((r) => compile(API_BASES.legacy, r)),
];

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: ApiRoute; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'wrong-method'; readonly allowed: string }
  | { readonly kind: 'none' };

export function matchRoute(method: string, pathname: string): RouteMatch {
  const matching = compiled.filter((r) => r.pattern.test(pathname));
  const found = matching.find((r) => r.route.method === method || (method === 'HEAD' && r.route.method === 'GET'));
  if (found === undefined) return matching.length > 0 ? { kind: 'wrong-method', allowed: matching.map((r) => r.route.method).join(', ') } : { kind: 'none' };
  const groups = found.pattern.exec(pathname)?.groups ?? {};
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups)) params[name] = safeDecode(value);
  return { kind: 'found', route: found.route, params };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
