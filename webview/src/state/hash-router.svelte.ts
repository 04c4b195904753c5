// Hash routes (docs/design.md §5): `#/`, `#/milestone/:id`, `#/prd/:id`, `#/task/:id`,
// `#/attempt/:id`, plus the cross-cutting `#/agents` and `#/costs`. Ids are URI-encoded: task ids contain '/' (`PRD-1/T2`), attempt ids '#'.
// Each navigation is a history entry, so the browser's back button walks back up the levels.

export type Route =
  | { readonly level: 'roadmap' }
  | { readonly level: 'agents' }
  | { readonly level: 'costs' }
  | { readonly level: 'defects' }
  | { readonly level: 'messages' }
  | { readonly level: 'graphs' }
  | { readonly level: 'milestone' | 'prd' | 'task' | 'attempt'; readonly id: string }
  | { readonly level: 'not-found'; readonly path: string };

const LEVELS = ['milestone', 'prd', 'task', 'attempt'] as const;
type Level = (typeof LEVELS)[number];

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/') return { level: 'roadmap' };
  if (path === '/agents') return { level: 'agents' };
  if (path === '/costs') return { level: 'costs' };
  if (path === '/defects') return { level: 'defects' };
  if (path === '/messages') return { level: 'messages' };
  if (path === '/graphs') return { level: 'graphs' };
  const match = /^\/([a-z]+)\/([^/]+)$/.exec(path);
  const level = match?.[1];
  if (match === null || !LEVELS.includes(level as Level)) return { level: 'not-found', path };
  try {
    return { level: level as Level, id: decodeURIComponent(match[2] ?? '') };
  } catch {
    return { level: 'not-found', path };
  }
}

function routeHref(route: Route): string {
  if (route.level === 'roadmap') return '#/';
  if (route.level === 'agents' || route.level === 'costs' || route.level === 'defects' || route.level === 'messages' || route.level === 'graphs') return `#/${route.level}`;
  if (route.level === 'not-found') return `#${route.path}`;
  return `#/${route.level}/${encodeURIComponent(route.id)}`;
}

export function hrefTo(level: Level, id: string): string {
  return routeHref({ level, id });
}

export class HashRouter {
  route = $state<Route>(parseRoute(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
  }
}
