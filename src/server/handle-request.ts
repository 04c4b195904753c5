import type { IncomingMessage, ServerResponse } from 'node:http';
import { appendAudit, audited } from '../orchestrator/audit/audit-log';
import { staticFilesHandler } from './handlers/static-files';
import { principalActor, type Principal } from './principal';
import { sendError } from './reply';
import { checkBearer, checkHost, checkOrigin, type GuardConfig, type GuardVerdict } from './request-guard';
import { readJsonBody } from './read-body';
import { matchRoute, type ApiRoute } from './routes';
import type { RouteRequest, ServerContext } from './server-context';

/** Host, then Origin (for the API and anything that changes state), then the token and its scope, then the route. */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, context: ServerContext, guard: GuardConfig): Promise<void> {
  const method = req.method ?? 'GET';
  if (refused(res, checkHost(req, context.port))) return;
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${context.port}`);
  // A link from another site may open the page (it holds no data); the API answers only the page itself.
  const isApi = url.pathname.startsWith('/api/');
  if ((isApi || (method !== 'GET' && method !== 'HEAD')) && refused(res, checkOrigin(req, context.port))) return;
  if (!isApi) {
    if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, `${method} is not allowed on ${url.pathname}`, { Allow: 'GET' });
    return staticFilesHandler({ req, res, url, params: {}, outcome: {} }, context);
  }
  const match = matchRoute(method, url.pathname);
  // Unknown paths still need a token: the 404 would otherwise tell a guesser which routes exist.
  if (match.kind !== 'found' || match.route.scope !== 'public') {
    const bearer = checkBearer(req, guard);
    if (refused(res, bearer)) return;
    if (match.kind === 'none') return sendError(res, 404, `no route ${method} ${url.pathname}`);
    if (match.kind === 'wrong-method') return sendError(res, 405, `${method} is not allowed on ${url.pathname}`, { Allow: match.allowed });
    if (!bearer.ok) return;
    let body: unknown;
    if (match.route.body !== undefined) {
      const parsed = await readJsonBody(req, match.route.body);
      if (!parsed.ok) return sendError(res, parsed.status, parsed.error);
      body = parsed.value;
    }
    return guarded({ req, res, url, params: match.params, principal: bearer.principal, body, outcome: {} }, match.route, context);
  }
  await match.route.handler({ req, res, url, params: match.params, outcome: {} }, context);
}

/**
 * A control route is recorded before it acts and with its HTTP outcome after; a token without
 * control scope is refused (403) and the refusal recorded, so a probe with a read token shows.
 */
async function guarded(request: RouteRequest & { readonly principal: Principal }, route: ApiRoute, context: ServerContext): Promise<void> {
  if (route.scope !== 'control') return route.handler(request, context);
  const { req, res, principal, params } = request;
  const record = {
    who: principalActor(principal),
    from: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
    action: route.action ?? `${route.method} ${route.path}`,
    ...(params.runId === undefined ? {} : { target: params.runId }),
    ...(request.body === undefined ? {} : { detail: { request: request.body } }),
  };
  if (principal.scope !== 'control') {
    await appendAudit(context.auditFile, { ...record, outcome: 'refused', error: `token ${principal.name} has ${principal.scope} scope` });
    return sendError(res, 403, `token ${JSON.stringify(principal.name)} has ${principal.scope} scope; ${req.method ?? 'POST'} ${request.url.pathname} needs control`);
  }
  // The outcome is in the audit log before the reply leaves: a client that reads the log when
  // the reply arrives (the dashboard, a script) finds it there.
  const reply = holdEnd(res);
  try {
    await audited(
      context.auditFile,
      record,
      () => route.handler(request, context),
      () => ({
        ...(request.outcome.target === undefined ? {} : { target: request.outcome.target }),
        detail: { ...request.outcome.detail, status: res.statusCode },
        ...(res.statusCode >= 400 ? { failed: `HTTP ${res.statusCode}` } : {}),
      }),
    );
  } finally {
    reply.release();
  }
}

/** Keeps `res.end` from sending until `release`, which sends what the handler ended with. */
function holdEnd(res: ServerResponse): { release(): void } {
  const own = Object.getOwnPropertyDescriptor(res, 'end');
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let held: unknown[] | undefined;
  res.end = ((...args: unknown[]) => {
    held = args;
    return res;
  }) as ServerResponse['end'];
  return {
    release() {
      if (own === undefined) delete (res as { end?: unknown }).end;
      else Object.defineProperty(res, 'end', own);
      if (held !== undefined) end(...held);
    },
  };
}

function refused(res: ServerResponse, verdict: GuardVerdict | ReturnType<typeof checkBearer>): boolean {
  if (verdict.ok) return false;
  const extra: Record<string, string> = verdict.retryAfterSec === undefined ? {} : { 'Retry-After': String(verdict.retryAfterSec) };
  if (verdict.status === 401) extra['WWW-Authenticate'] = 'Bearer realm="orch"';
  sendError(res, verdict.status, verdict.error, extra);
  return true;
}
