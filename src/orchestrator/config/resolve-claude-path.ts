import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ClaudePathSources {
  readonly flag?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly configPath?: string;
  /** Orch's own install folder, whose node_modules may carry the CLI. */
  readonly packageRoot?: string;
}

/**
 * docs/design.md §4's order: --claude-path, ORCH_CLAUDE_PATH, config `claudePath`, `claude` on PATH,
 * then the one in Orch's node_modules. An explicit choice is returned even when it does not
 * exist, so the runner reports "binary missing" for the path the user actually gave.
 */
export function resolveClaudePath(sources: ClaudePathSources): string {
  const explicit = sources.flag ?? sources.env.ORCH_CLAUDE_PATH ?? sources.configPath;
  if (explicit !== undefined && explicit !== '') return explicit;
  for (const dir of (sources.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, 'claude'))) return join(dir, 'claude');
  }
  if (sources.packageRoot !== undefined) {
    const bundled = join(sources.packageRoot, 'node_modules', '.bin', 'claude');
    if (isExecutable(bundled)) return bundled;
  }
  return 'claude';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
