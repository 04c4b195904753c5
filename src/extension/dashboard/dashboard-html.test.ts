import { strict as assert } from 'node:assert';
import { dashboardHtml } from './dashboard-html';

describe('dashboard panel page', () => {
  const html = dashboardHtml({
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview/assets/index.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview/assets/index.css',
    cspSource: 'https://*.vscode-cdn.net',
    nonce: 'n0nce-abc_123',
  });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';

  it('denies everything by default and runs only the script carrying the nonce', () => {
    assert.deepEqual(csp.split('; '), [
      "default-src 'none'",
      "script-src 'nonce-n0nce-abc_123'",
      'style-src https://*.vscode-cdn.net',
      'font-src https://*.vscode-cdn.net',
      'img-src https://*.vscode-cdn.net data:',
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script type="module" nonce="n0nce-abc_123" src="https://file+.vscode-resource.vscode-cdn.net/ext/media/webview/assets/index.js">']);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/webview\/assets\/index\.css" \/>/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|connect-src/);
  });

  it('escapes what it puts in attributes', () => {
    const hostile = dashboardHtml({ scriptUri: 'x"><script>alert(1)</script>', styleUri: 's', cspSource: 'c', nonce: 'n' });
    assert.equal((hostile.match(/<script/g) ?? []).length, 1);
    assert.match(hostile, /src="x&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
  });
});
