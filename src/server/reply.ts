import type { ServerResponse } from 'node:http';
import type { ApiReply } from '../protocol/dashboard-messages';

// Every response goes through here so none can forget the headers below. There are no CORS
// headers on purpose: no other origin may read anything from this server.
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
};

export function sendJson<T>(res: ServerResponse, status: number, reply: ApiReply<T>, extra: Readonly<Record<string, string>> = {}): void {
  const body = JSON.stringify(reply);
  res.writeHead(status, { ...BASE_HEADERS, ...extra, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendOk<T>(res: ServerResponse, value: T): void {
  sendJson(res, 200, { ok: true, value });
}

/** A document that is not an API reply (the OpenAPI document: tools expect it bare). */
export function sendBare(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, error: string, extra: Readonly<Record<string, string>> = {}): void {
  sendJson(res, status, { ok: false, error }, extra);
}
