import type * as vscode from 'vscode';

// The editor adapter over the host-free core. Activation stays cheap: nothing heavy starts
// until a command or view asks for it.
export function activate(context: vscode.ExtensionContext): void {
  void context;
}

export function deactivate(): void {}
