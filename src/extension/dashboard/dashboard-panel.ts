import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { HostMessage, NavigateMessage } from '../../protocol/webview-messages';
import { listRuns } from '../../orchestrator/views/list-runs';
import { readAgents } from '../../orchestrator/views/read-agents';
import { evidenceDataUrl } from '../../orchestrator/views/read-evidence';
import { readRunHistory } from '../../orchestrator/views/run-history';
import { RunTails } from '../../orchestrator/views/run-tails';
import type { OrchSession } from '../orch-session';
import { dashboardHtml } from './dashboard-html';
import { controlRun } from './control-run';
import { answerRun } from './answer-run';
import { reassignFromEditor } from '../commands/defect-commands';
import { WebviewHost } from './webview-host';

const VIEW_TYPE = 'orch.dashboard';

/**
 * The dashboard in an editor tab. Its page is not kept alive while hidden (that costs memory
 * for as long as the tab exists); it reloads when shown, restores its route from the webview
 * state and asks for a fresh snapshot, which the shared run tail serves from memory.
 */
export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private host: WebviewHost | undefined;
  private readonly tails: RunTails;

  constructor(
    private readonly session: OrchSession,
    private readonly extensionPath: string,
    private readonly output: vscode.OutputChannel,
  ) {
    this.tails = new RunTails(session.paths, 1000, (message) => output.appendLine(`dashboard: ${message}`));
  }

  /** Opens (or reveals) the panel; with a target, at that level once its page is ready. */
  show(target?: Omit<NavigateMessage, 'type'>): void {
    if (this.panel === undefined) {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Orch Dashboard', vscode.ViewColumn.Active, this.options());
      this.attach(panel);
    } else {
      this.panel.reveal();
    }
    if (target !== undefined) this.host?.navigate(target);
  }

  /** Brings back the panel a window reload closed, with the level its page had saved. */
  serializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        if (this.panel !== undefined) {
          panel.dispose();
          return;
        }
        panel.webview.options = this.options();
        this.attach(panel);
      },
    });
  }

  private get assets(): vscode.Uri {
    return vscode.Uri.file(join(this.extensionPath, 'media', 'webview'));
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [this.assets] };
  }

  private attach(panel: vscode.WebviewPanel): void {
    const assets = this.assets;
    panel.iconPath = vscode.Uri.file(join(this.extensionPath, 'media', 'icons', 'orch.svg'));
    this.panel = panel;
    const host = (this.host = new WebviewHost({
      tails: this.tails,
      listRuns: () => listRuns(this.session.paths),
      control: (runId, action) => controlRun(this.session.paths, runId, action),
      answer: (runId, task, text) => answerRun(this.session.paths, this.tails, runId, task, text),
      reassignDefect: (runId, defectId, to) => reassignFromEditor(this.session.paths, this.extensionPath, runId, defectId, to),
      evidence: (runId, file) => evidenceDataUrl(this.session.paths, runId, file),
      listAgents: () => readAgents({ workspace: this.session.paths.root, builtinAgentsDir: join(this.extensionPath, 'agents'), homeDir: homedir() }),
      history: (roadmap) => readRunHistory(this.session.paths, roadmap),
      post: (message: HostMessage) => void panel.webview.postMessage(message),
      onProblem: (message) => this.output.appendLine(`dashboard: ${message}`),
    }));
    const webview = panel.webview;
    const refreshRuns = (): void => void host.refreshRuns().catch((error: unknown) => this.session.report('dashboard runs', error));
    const subscriptions = [
      webview.onDidReceiveMessage((message: unknown) => host.receive(message)),
      // A hidden page is torn down by VS Code; stop streaming to it until it posts `ready` again.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) host.detach();
      }),
      this.session.onDidChange(refreshRuns),
    ];
    panel.onDidDispose(() => {
      host.detach();
      for (const s of subscriptions) s.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.host = undefined;
      }
    });
    webview.html = dashboardHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'assets', 'index.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'assets', 'index.css')).toString(),
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64url'),
    });
  }

  dispose(): void {
    this.panel?.dispose();
    void this.tails.closeAll();
  }
}
