import { join } from 'node:path';
import * as vscode from 'vscode';
import { startDashboardServer, type DashboardServer } from '../../server/dashboard-server';
import { readEditorConfig } from '../editor-config';
import type { OrchSession } from '../orch-session';

/**
 * The workspace's 127.0.0.1 dashboard server, run inside the extension host: started on the
 * first "Open Dashboard in Browser", reused after, closed on deactivate. The token travels in
 * the URL fragment only, which browsers never send to a server.
 */
export class BrowserDashboard implements vscode.Disposable {
  private server: Promise<DashboardServer> | undefined;

  constructor(
    private readonly session: OrchSession,
    private readonly extensionPath: string,
    private readonly output: vscode.OutputChannel,
  ) {}

  async open(): Promise<void> {
    const server = await this.start();
    const opened = await vscode.env.openExternal(vscode.Uri.parse(`${server.url}#token=${server.token}`));
    if (!opened) void vscode.window.showWarningMessage(`Orch: the browser did not open; the dashboard is at ${server.url} (token in .orch/dashboard.json).`);
  }

  /** Closes the server if one was started; safe to call twice. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    try {
      await (await server).close();
    } catch {
      // It never started: start() already said why.
    }
  }

  dispose(): void {
    void this.close();
  }

  private start(): Promise<DashboardServer> {
    this.server ??= (async () => {
      const { config } = await readEditorConfig(this.session.paths);
      const server = await startDashboardServer({
        workspace: this.session.paths.root,
        port: config.dashboardPort,
        staticDir: join(this.extensionPath, 'media', 'webview'),
        builtinAgentsDir: join(this.extensionPath, 'agents'),
        onProblem: (message) => this.output.appendLine(`dashboard server: ${message}`),
      });
      this.output.appendLine(`dashboard server: ${server.url}`);
      return server;
    })();
    // A failed start is not cached: the next command tries again (the port may be free by then).
    this.server.catch(() => {
      this.server = undefined;
    });
    return this.server;
  }
}
