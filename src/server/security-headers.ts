// The page's Content-Security-Policy: scripts and styles only from this server (no inline code,
// so injected markup cannot run), the WebSocket only to this server, and no framing. Images may be
// blob: URLs: evidence screenshots are fetched with the token and shown from memory.
export function pageSecurityHeaders(port: number): Readonly<Record<string, string>> {
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "img-src 'self' data: blob:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "object-src 'none'",
    ].join('; '),
  };
}
