import { join } from 'node:path';

// Every path Orch reads or writes inside a workspace, in one place (docs/design.md §3).
export interface WorkspacePaths {
  readonly root: string;
  readonly orchDir: string;
  readonly configFile: string;
  readonly storeFile: string;
  readonly prdsDir: string;
  readonly agentsDir: string;
  readonly teamsFile: string;
  readonly dashboardFile: string;
  readonly lockFile: string;
  runDir(runId: string): string;
  eventsFile(runId: string): string;
  evidenceDir(runId: string): string;
  artifactsDir(runId: string): string;
  worktreesDir: string;
  worktreeDir(taskSlug: string): string;
}

export function workspacePaths(root: string): WorkspacePaths {
  const orchDir = join(root, '.orch');
  const runDir = (runId: string) => join(orchDir, 'runs', runId);
  return {
    root,
    orchDir,
    configFile: join(orchDir, 'config.json'),
    storeFile: join(orchDir, 'orch.json'),
    prdsDir: join(orchDir, 'prds'),
    agentsDir: join(orchDir, 'agents'),
    teamsFile: join(orchDir, 'teams.yaml'),
    dashboardFile: join(orchDir, 'dashboard.json'),
    lockFile: join(orchDir, 'lock.json'),
    runDir,
    eventsFile: (runId) => join(runDir(runId), 'events.jsonl'),
    evidenceDir: (runId) => join(runDir(runId), 'evidence'),
    artifactsDir: (runId) => join(runDir(runId), 'artifacts'),
    worktreesDir: join(orchDir, 'worktrees'),
    worktreeDir: (taskSlug) => join(orchDir, 'worktrees', taskSlug),
  };
}
