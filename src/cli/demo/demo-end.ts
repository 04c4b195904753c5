import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../cli-io';
import { packageRoot } from '../package-root';
import { shellWord } from '../shell-word';

/** How to review and take the demo's result: `orch` is rarely on PATH right after `npm run demo`. */
export function printReviewHints(io: CliIo, workspace: string): void {
  const orch = `node ${shellWord(join(packageRoot(), 'dist', 'cli.js'))}`;
  io.out('\nreview the verified work:');
  io.out(`  cd ${shellWord(workspace)}`);
  io.out(`  ${orch} diff --stat            # what changed; without --stat the whole diff, --task PRD-1/T2 one task`);
  io.out(`  ${orch} merge                  # take it into main`);
  io.out('  git log --oneline --graph --all');
  const dashboard = dashboardUrl(workspace);
  if (dashboard !== undefined) io.out(`dashboard: ${dashboard}`);
}

function dashboardUrl(workspace: string): string | undefined {
  const file = join(workspace, '.orch', 'dashboard.json');
  if (!existsSync(file)) return undefined;
  const { url, token } = JSON.parse(readFileSync(file, 'utf8')) as { url?: string; token?: string };
  return url === undefined || token === undefined ? undefined : `${url}#token=${token}`;
}

/** Resolves at the first Ctrl-C (or SIGTERM) after the run, instead of the process's default exit. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
