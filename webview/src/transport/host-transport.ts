import type { DashboardTransport } from './transport';
import { VsCodeTransport, type VsCodeApi } from './vscode-transport';

/**
 * The transport the host provides, if any: inside a VS Code webview `acquireVsCodeApi` exists
 * and the page talks postMessage; in a browser there is none and the app logs in with a token.
 * Call it before the router reads the address: it puts back the route the page had before
 * VS Code discarded it (a hidden panel's page is not kept).
 */
export function hostTransport(): DashboardTransport | undefined {
  const acquire = (globalThis as { acquireVsCodeApi?: () => VsCodeApi }).acquireVsCodeApi;
  if (typeof acquire !== 'function') return undefined;
  const api = acquire();
  restoreRoute(api);
  followHashLinks();
  return new VsCodeTransport(api);
}

function restoreRoute(api: VsCodeApi): void {
  const saved = api.getState() as { readonly hash?: unknown } | undefined;
  if (typeof saved?.hash === 'string' && saved.hash.startsWith('#/') && location.hash === '') location.hash = saved.hash;
  window.addEventListener('hashchange', () => api.setState({ hash: location.hash }));
}

/**
 * VS Code's webview frame cancels every link click and only scrolls to `#fragment` ids, so
 * `#/task/...` routes would never change the address. Navigate first; its handler then finds
 * no element by that id and does nothing more.
 */
function followHashLinks(): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target.closest('a') : null;
    const href = target?.getAttribute('href');
    if (!href?.startsWith('#/')) return;
    event.preventDefault();
    if (location.hash !== href) location.hash = href;
  });
}
