import type { NavigateLevel, NavigateMessage } from '../../protocol/webview-messages';
import type { TreeNode } from './tree-node';

const LEVELS: readonly string[] = ['milestone', 'prd', 'task', 'attempt'] satisfies readonly NavigateLevel[];

/**
 * The dashboard page a tree item opens: its level and qualified id, read back from the node id
 * (`task:PRD-1/T2`), in the run the tree shows. Undefined for items with no page of their own.
 */
export function dashboardTarget(node: TreeNode, runId: string | undefined): Omit<NavigateMessage, 'type'> | undefined {
  if (!LEVELS.includes(node.kind)) return undefined;
  const prefix = `${node.kind}:`;
  if (!node.id.startsWith(prefix) || node.id.length === prefix.length) return undefined;
  const target = { level: node.kind as NavigateLevel, id: node.id.slice(prefix.length) };
  return runId === undefined ? target : { runId, ...target };
}
