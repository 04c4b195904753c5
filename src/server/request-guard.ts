import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthRateLimiter } from './auth-rate-limiter';
import type { Principal, TokenRegistry } from './principal';

// The checks every request and WebSocket upgrade passes before any handler runs (docs/design.md §5).

export type GuardVerdict = { readonly ok: true } | { readonly ok: false; readonly status: 401 | 403 | 429; readonly error: string; readonly retryAfterSec?: number };

export interface GuardConfig {
  readonly port: number;
  /** The per-server token and the workspace's scoped tokens. */
  readonly tokens: TokenRegistry;
  readonly limiter: AuthRateLimiter;
}

/** A DNS-rebinding page reaches us under its own host name: only our two names pass. */
export function checkHost(req: IncomingMessage, port: number): GuardVerdict {
  const host = req.headers.host;
  if (host === `127.0.0.1:${port}` || host === `localhost:${port}`) return { ok: true };
  return { ok: false, status: 403, error: `forbidden Host ${JSON.stringify(host ?? '')}: use 127.0.0.1:${port} or localhost:${port}` };
}

/**
 * Another site's page can make the browser send GETs here (an `<img>`, a no-cors fetch) without
 * reading the answers: such requests must never reach authentication, or they would count as
 * failed logins and lock the real dashboard out. Browsers mark them with Sec-Fetch-Site and
 * usually an Origin or Referer; a request with none of these is a non-browser client, which
 * still needs the token.
 */
export function checkOrigin(req: IncomingMessage, port: number): GuardVerdict {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return { ok: false, status: 403, error: `forbidden cross-origin request (Sec-Fetch-Site: ${site})` };
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, port)) return { ok: false, status: 403, error: `forbidden Origin ${JSON.stringify(origin)}` };
  const referer = req.headers.referer;
  if (referer !== undefined && !isOwnOrigin(originOf(referer), port)) return { ok: false, status: 403, error: `forbidden Referer from ${JSON.stringify(originOf(referer))}` };
  return { ok: true };
}

function isOwnOrigin(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * A valid token (the server's, or an active scoped one) always passes, so a real client is never
 * locked out by failures it did not make. Only a wrong token counts as a failure (a request without one is not a guess), and the
 * count is per server, not per address: every local address is the same machine.
 */
export function checkBearer(req: IncomingMessage, config: GuardConfig): { readonly ok: true; readonly principal: Principal } | Exclude<GuardVerdict, { ok: true }> {
  const header = req.headers.authorization;
  if (header === undefined) return { ok: false, status: 401, error: 'missing Authorization: Bearer <token> (see .orch/dashboard.json)' };
  // The auth scheme is case-insensitive (RFC 7235 §2.1).
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const principal = match === null ? undefined : config.tokens.resolve(match[1] ?? '');
  if (principal !== undefined) return { ok: true, principal };
  return failedAuthentication(config.limiter, match === null ? 'Authorization must be "Bearer <token>"' : 'invalid token');
}

/** Records a wrong token; past the limit the answer says when to try again. */
export function failedAuthentication(limiter: AuthRateLimiter, error: string): Exclude<GuardVerdict, { ok: true }> {
  const retryAfterSec = limiter.retryAfterSec(FAILURE_KEY);
  limiter.recordFailure(FAILURE_KEY);
  if (retryAfterSec > 0) return { ok: false, status: 429, error: `too many failed authentications; retry in ${retryAfterSec} s`, retryAfterSec };
  return { ok: false, status: 401, error };
}

/** Wrong tokens are counted together: one key for the whole server. */
const FAILURE_KEY = 'wrong-token';

export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
