import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { OrchExtensionApi } from '../../../src/extension/extension';
import type { TreeNode } from '../../../src/extension/model/tree-node';

// Runs inside desktop VS Code's extension host with the real `vscode` API (see ../run-test.ts).
const EXTENSION_ID = 'orch-dev.orch';

async function activated(): Promise<OrchExtensionApi> {
  const extension = vscode.extensions.getExtension<OrchExtensionApi>(EXTENSION_ID);
  assert.ok(extension !== undefined, `extension ${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

async function until<T>(get: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Orch in desktop VS Code', () => {
  it('activates in a workspace folder and registers every command its manifest contributes', async () => {
    const api = await activated();
    assert.ok(api.roadmapTree !== undefined, 'a workspace folder is open, so the Roadmap view has a provider');
    const manifest = JSON.parse(readFileSync(join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
    assert.ok(registered.has('orch.pause') && registered.has('orch.retryTask'));
  });

  it('the Roadmap view\'s provider returns the fixture workspace\'s roadmap as a plan', async () => {
    const tree = (await activated()).roadmapTree!;
    const [root] = await until(async () => {
      const roots = (await tree.getChildren()) ?? [];
      return roots.length > 0 ? roots : undefined;
    }, 'the default roadmap in the Roadmap view');
    assert.equal(root?.label, 'GREETING SERVICE ROADMAP');
    const item = await tree.getTreeItem(root);
    assert.equal(item.description, 'plan · 2 milestones · 7 tasks');
    assert.equal(item.contextValue, `roadmap.plan.file`);
    const phases = (await tree.getChildren(root)) ?? [];
    assert.deepEqual(phases.map((p: TreeNode) => p.kind), phases.map(() => 'phase'));
    assert.ok(phases.length > 0);
  });

  it('runs a command from the API: Orch: Show Log opens the output channel without an error', async () => {
    await activated();
    await vscode.commands.executeCommand('orch.showLog');
  });
});
