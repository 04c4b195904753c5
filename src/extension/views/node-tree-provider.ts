import * as vscode from 'vscode';
import type { TreeNode } from '../model/tree-node';

/** Shows a tree of plain TreeNodes built by the pure model; replaced whole on every change. */
export class NodeTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private roots: readonly TreeNode[] = [];
  private parents = new Map<TreeNode, TreeNode>();
  private byId = new Map<string, TreeNode>();
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  setRoots(roots: readonly TreeNode[]): void {
    this.roots = roots;
    this.parents = new Map();
    this.byId = new Map();
    const index = (node: TreeNode, parent: TreeNode | undefined): void => {
      this.byId.set(node.id, node);
      if (parent !== undefined) this.parents.set(node, parent);
      for (const child of node.children) index(child, node);
    };
    for (const root of roots) index(root, undefined);
    this.changed.fire(undefined);
  }

  /** The node shown now under this id (for reveal). */
  find(id: string): TreeNode | undefined {
    return this.byId.get(id);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return [...(node === undefined ? this.roots : node.children)];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const collapsible =
      node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : node.expanded === true
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    if (node.icon !== undefined) {
      item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color === undefined ? undefined : new vscode.ThemeColor(node.icon.color));
    }
    // `kind.state.file`: menus match on it to offer only the actions that fit (cancel a running run, open a file).
    item.contextValue = [node.kind, node.state ?? 'none', ...(node.file === undefined ? [] : ['file'])].join('.');
    if (node.file !== undefined && node.children.length === 0) {
      item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(node.file)] };
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
