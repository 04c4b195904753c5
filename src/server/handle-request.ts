import type { IncomingMessage, ServerResponse } from 'node:http';
import { staticFilesHandler } from './handlers/static-files';
import { sendError } from './reply';
import { checkBearer, checkHost, checkOrigin, type GuardConfig, type GuardVerdict } from './request-guard';
import { matchRoute } from './routes';
import type { ServerContext } from './server-context';

/** Host, then Origin (for the API and anything that changes state), then the token, then the route. */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, context: ServerContext, guard: GuardConfig): Promise<void> {
  const method = req.method ?? 'GET';
  if (refused(res, checkHost(req, context.port))) return;
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${context.port}`);
  // A link from another site may open the page (it holds no data); the API answers only the page itself.
  const isApi = url.pathname.startsWith('/api/');
  if ((isApi || (method !== 'GET' && method !== 'HEAD')) && refused(res, checkOrigin(req, context.port))) return;
  if (!isApi) {
    if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, `${method} is not allowed on ${url.pathname}`, { Allow: 'GET' });
    return staticFilesHandler({ req, res, url, params: {} }, context);
  }
  if (url.pathname !== '/api/health' && refused(res, checkBearer(req, guard))) return;
  const route = matchRoute(method, url.pathname);
  if (route.kind === 'none') return sendError(res, 404, `no route ${method} ${url.pathname}`);
  if (route.kind === 'wrong-method') return sendError(res, 405, `${method} is not allowed on ${url.pathname}`, { Allow: route.allowed });
  await route.handler({ req, res, url, params: route.params }, context);
}

function refused(res: ServerResponse, verdict: GuardVerdict): boolean {
  if (verdict.ok) return false;
  const extra: Record<string, string> = verdict.retryAfterSec === undefined ? {} : { 'Retry-After': String(verdict.retryAfterSec) };
  if (verdict.status === 401) extra['WWW-Authenticate'] = 'Bearer realm="orch"';
  sendError(res, verdict.status, verdict.error, extra);
  return true;
}
