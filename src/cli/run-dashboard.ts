import { join } from 'node:path';
import type { CliIo } from './cli-io';
import { selfCommand } from './orch-command';
import { packageRoot } from './package-root';
import type { RunSetup } from './run-setup';
import { UsageError } from './run-cli';

/**
 * `[--port N | --no-dashboard]` (docs/design.md §4): alternatives, so both at once is a usage
 * error rather than a port silently ignored. Checked as the arguments are read, before anything runs.
 */
export function checkDashboardFlags(flags: { port?: string; 'no-dashboard'?: boolean }): void {
  if (flags.port !== undefined && flags['no-dashboard'] === true) {
    throw new UsageError(`--port ${flags.port} and --no-dashboard do not go together: --port sets the dashboard's port, --no-dashboard serves none; give one`);
  }
}

/**
 * `orch run` and `orch resume` serve the dashboard while they work (docs/design.md §4) unless told
 * not to. A dashboard that cannot start is worth a warning, never a failed run.
 */
export async function serveWhileRunning(io: CliIo, setup: RunSetup, flags: { port?: string; 'no-dashboard'?: boolean }): Promise<() => Promise<void>> {
  if (flags['no-dashboard'] === true) return async () => {};
  const port = flags.port === undefined ? setup.config.dashboardPort : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(flags.port)}`);
  const root = packageRoot();
  try {
    // Loaded only when served: --no-dashboard runs never evaluate the server and its WebSocket code.
    const { startDashboardServer } = await import('../server/dashboard-server');
    const server = await startDashboardServer({
      workspace: setup.paths.root,
      port,
      staticDir: join(root, 'media', 'webview'),
      builtinAgentsDir: join(root, 'agents'),
      onProblem: (message) => io.err(`orch: dashboard: ${message}`),
      orch: selfCommand(),
    });
    io.out(`dashboard: ${server.url}#token=${server.token}`);
    return () => server.close();
  } catch (error) {
    io.err(`orch: warning: the dashboard did not start (${error instanceof Error ? error.message : String(error)}); the run goes on without it`);
    return async () => {};
  }
}
