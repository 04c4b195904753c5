import { agentsHandler } from './handlers/agents';
import { healthHandler } from './handlers/health';
import { listRunsHandler } from './handlers/list-runs';
import { cancelRunHandler, controlRunHandler } from './handlers/run-control-handlers';
import { runEventsHandler } from './handlers/run-events';
import { runSnapshotHandler } from './handlers/run-snapshot';
import type { RouteHandler } from './server-context';

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handler: RouteHandler;
}

// docs/design.md §5. `:id` is one path segment; run ids never contain '/'.
const routes: readonly Route[] = [
  { method: 'GET', pattern: /^\/api\/health$/, handler: healthHandler },
  { method: 'GET', pattern: /^\/api\/runs$/, handler: listRunsHandler },
  { method: 'GET', pattern: /^\/api\/runs\/(?<runId>[^/]+)$/, handler: runSnapshotHandler },
  { method: 'GET', pattern: /^\/api\/runs\/(?<runId>[^/]+)\/events$/, handler: runEventsHandler },
  { method: 'POST', pattern: /^\/api\/runs\/(?<runId>[^/]+)\/cancel$/, handler: cancelRunHandler },
  { method: 'POST', pattern: /^\/api\/runs\/(?<runId>[^/]+)\/pause$/, handler: controlRunHandler('pause') },
  { method: 'POST', pattern: /^\/api\/runs\/(?<runId>[^/]+)\/resume$/, handler: controlRunHandler('resume') },
  { method: 'GET', pattern: /^\/api\/agents$/, handler: agentsHandler },
];

export type RouteMatch =
  | { readonly kind: 'found'; readonly handler: RouteHandler; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'wrong-method'; readonly allowed: string }
  | { readonly kind: 'none' };

export function matchRoute(method: string, pathname: string): RouteMatch {
  const matching = routes.filter((r) => r.pattern.test(pathname));
  const route = matching.find((r) => r.method === method || (method === 'HEAD' && r.method === 'GET'));
  if (route === undefined) return matching.length > 0 ? { kind: 'wrong-method', allowed: matching.map((r) => r.method).join(', ') } : { kind: 'none' };
  const groups = route.pattern.exec(pathname)?.groups ?? {};
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups)) params[name] = safeDecode(value);
  return { kind: 'found', handler: route.handler, params };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
