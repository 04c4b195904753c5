// The token arrives in the URL fragment (`#token=...`), which browsers never send to a server.
// It moves to sessionStorage (this tab only) and leaves the address bar and history at once,
// so it is not bookmarked, shared in a screenshot, or left behind in the back stack.

const KEY = 'orch.dashboard.token';

export function takeToken(): string | undefined {
  const match = /^#token=([A-Za-z0-9_-]{16,256})$/.exec(location.hash);
  if (match?.[1] !== undefined) {
    sessionStorage.setItem(KEY, match[1]);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
    return match[1];
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
