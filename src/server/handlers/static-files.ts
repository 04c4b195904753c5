import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { BASE_HEADERS, sendError } from '../reply';
import { pageSecurityHeaders } from '../security-headers';
import type { RouteHandler } from '../server-context';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The built webview (`media/webview/`). It holds no data, so it is served without the token
 * (a browser cannot attach one to a navigation); everything it shows comes through /api and /ws.
 */
export const staticFilesHandler: RouteHandler = async ({ res, url }, context) => {
  // Browsers ask for it on their own; an empty answer keeps their consoles free of 404s.
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204, BASE_HEADERS);
    return void res.end();
  }
  let relative: string;
  try {
    relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
  } catch {
    return sendError(res, 400, `malformed path ${JSON.stringify(url.pathname)}`);
  }
  const root = resolve(context.staticDir);
  const file = resolve(root, relative);
  const type = CONTENT_TYPES[extname(file)];
  if (relative.includes('\0') || !file.startsWith(root + sep) || type === undefined) return sendError(res, 404, `no such file ${JSON.stringify(url.pathname)}`);
  try {
    if (!(await stat(file)).isFile()) return sendError(res, 404, `no such file ${JSON.stringify(url.pathname)}`);
  } catch {
    const hint = relative === 'index.html' ? ' (the webview is not built: run npm run build)' : '';
    return sendError(res, 404, `no such file ${JSON.stringify(url.pathname)}${hint}`);
  }
  const body = await readFile(file);
  res.writeHead(200, { ...BASE_HEADERS, ...pageSecurityHeaders(context.port), 'Content-Type': type, 'Content-Length': body.length });
  res.end(body);
};
