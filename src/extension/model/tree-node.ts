// What the sidebar trees show, as plain data: built by pure functions from the core's state,
// turned into VS Code TreeItems by the adapter. No `vscode` import here, so the model is
// tested without an editor.

export type NodeKind = 'roadmap' | 'phase' | 'milestone' | 'prd' | 'task' | 'attempt' | 'agent' | 'team' | 'message' | 'defect' | 'defects';

/** A codicon name (optionally `~spin`) and a theme colour id: ThemeIcon's two arguments. */
export interface NodeIcon {
  readonly id: string;
  readonly color?: string;
}

export interface TreeNode {
  /** Stable across refreshes, so VS Code keeps the expansion and selection. */
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly icon?: NodeIcon;
  /** A run or task state (or `plan`): menus offer the actions that fit it. */
  readonly state?: string;
  readonly expanded?: boolean;
  /** A file to open on click (an agent's definition, a PRD). */
  readonly file?: string;
  readonly children: readonly TreeNode[];
}
