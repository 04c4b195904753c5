export interface DashboardHtmlInput {
  /** `webview.asWebviewUri` of `media/webview/assets/index.js` and `index.css`. */
  readonly scriptUri: string;
  readonly styleUri: string;
  /** `webview.cspSource`: where the webview may load the stylesheet from. */
  readonly cspSource: string;
  /** Fresh for every page: only the script carrying it runs. */
  readonly nonce: string;
}

/**
 * The panel's page: the same bundle the browser gets, under a policy stricter than the
 * server's (nothing by default, the one script by nonce, no network at all: data arrives by
 * postMessage only).
 */
export function dashboardHtml(input: DashboardHtmlInput): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${input.nonce}'`,
    `style-src ${input.cspSource}`,
    `font-src ${input.cspSource}`,
    `img-src ${input.cspSource} data:`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Orch Dashboard</title>
    <link rel="stylesheet" href="${escapeAttribute(input.styleUri)}" />
    <script type="module" nonce="${escapeAttribute(input.nonce)}" src="${escapeAttribute(input.scriptUri)}"></script>
  </head>
  <body>
    <div id="app"></div>
  </body>
</html>
`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
