import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthRateLimiter } from './auth-rate-limiter';

// The checks every request and WebSocket upgrade passes before any handler runs (DESIGN.md §5).

export type GuardVerdict = { readonly ok: true } | { readonly ok: false; readonly status: 401 | 403 | 429; readonly error: string; readonly retryAfterSec?: number };

export interface GuardConfig {
  readonly port: number;
  readonly token: string;
  readonly limiter: AuthRateLimiter;
}

/** A DNS-rebinding page reaches us under its own host name: only our two names pass. */
export function checkHost(req: IncomingMessage, port: number): GuardVerdict {
  const host = req.headers.host;
  if (host === `127.0.0.1:${port}` || host === `localhost:${port}`) return { ok: true };
  return { ok: false, status: 403, error: `forbidden Host ${JSON.stringify(host ?? '')}: use 127.0.0.1:${port} or localhost:${port}` };
}

/**
 * Browsers send Origin with every WebSocket upgrade and cross-origin POST; a missing Origin is a
 * non-browser client, which still needs the token.
 */
export function checkOrigin(req: IncomingMessage, port: number): GuardVerdict {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return { ok: false, status: 403, error: `forbidden cross-origin request (Sec-Fetch-Site: ${site})` };
  if (origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`) return { ok: true };
  return { ok: false, status: 403, error: `forbidden Origin ${JSON.stringify(origin)}` };
}

export function checkBearer(req: IncomingMessage, config: GuardConfig): GuardVerdict {
  const address = remoteAddress(req);
  const retryAfterSec = config.limiter.retryAfterSec(address);
  if (retryAfterSec > 0) return { ok: false, status: 429, error: `too many failed authentications; retry in ${retryAfterSec} s`, retryAfterSec };
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer (\S+)$/.exec(header);
  if (match !== null && tokensEqual(match[1] ?? '', config.token)) return { ok: true };
  config.limiter.recordFailure(address);
  return { ok: false, status: 401, error: header === undefined ? 'missing Authorization: Bearer <token> (see .orch/dashboard.json)' : 'invalid token' };
}

export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function remoteAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
