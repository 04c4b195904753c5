import { join } from 'node:path';
import { loadConfig } from '../../orchestrator/config/orch-config';
import { startDashboardServer } from '../../server/dashboard-server';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { selfCommand } from '../orch-command';
import { packageRoot } from '../package-root';
import { parseCommandArgs, UsageError } from '../run-cli';
import { workspaceOf } from '../run-lookup';

/** `orch serve [--port N] [--workspace DIR]`: the dashboard until SIGINT or SIGTERM. */
export const serveCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(args, { port: { type: 'string' }, workspace: { type: 'string' } }, { min: 0, max: 0, names: 'no arguments' });
  const paths = workspaceOf(io, values.workspace);
  // The same file as run's, read the same way: a bad one is refused here too, not served around.
  const config = await loadConfig(paths.configFile);
  const port = values.port === undefined ? config.dashboardPort : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(values.port)}`);
  const root = packageRoot();
  const server = await startDashboardServer({
    workspace: paths.root,
    port,
    staticDir: join(root, 'media', 'webview'),
    builtinAgentsDir: join(root, 'agents'),
    onProblem: (message) => io.err(`orch serve: ${message}`),
    orch: selfCommand(),
  });
  io.out(`Orch dashboard for ${paths.root}`);
  io.out(`  ${server.url}#token=${server.token}`);
  io.out(`  (token also in ${paths.dashboardFile}; Ctrl+C stops)`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await server.close();
  io.out(`orch serve: stopped (${signal})`);
  return EXIT.ok;
};
