import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AUDITED_BY_PARENT_ENV } from '../../orchestrator/audit/audit-entry';
import { readLock } from '../../orchestrator/engine/run-lock';
import type { StartRunRequest } from '../../protocol/api-schemas';
import { sendError, sendJson } from '../reply';
import type { RouteHandler } from '../server-context';

const START_TIMEOUT_MS = 120_000;

/**
 * `POST /api/v1/runs`: the run gets its own `orch run` process, as the editor's runs do. That
 * process takes the workspace lock and is the log's only writer; `orch cancel` and the cancel
 * route stop a run by signalling the lock's holder, which must not be this server; and the run
 * outlives the server (stopping `orch serve` does not stop it). The answer comes once the child
 * holds the lock (its run id is known), or with the reason it gave up (preflight, a run already
 * holding the workspace).
 */
export const startRunHandler: RouteHandler = async ({ res, body, outcome }, context) => {
  const request = body as StartRunRequest;
  const root = resolve(context.paths.root);
  const roadmap = resolve(root, request.roadmap);
  if (roadmap !== root && !roadmap.startsWith(root + sep)) return sendError(res, 400, `roadmap ${JSON.stringify(request.roadmap)} is outside the workspace ${root}`);
  try {
    if (!(await stat(roadmap)).isFile()) return sendError(res, 400, `roadmap ${JSON.stringify(request.roadmap)} is not a file`);
  } catch {
    return sendError(res, 404, `no roadmap ${JSON.stringify(request.roadmap)} in the workspace ${root}`);
  }
  const orch = context.orch;
  if (orch === undefined) return sendError(res, 501, 'this server cannot start runs (it was started without the orch CLI); use orch serve');
  const logsDir = join(context.paths.orchDir, 'logs');
  await mkdir(logsDir, { recursive: true });
  const logFile = join(logsDir, `api-run-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.log`);
  const args = [
    ...orch.argv.slice(1),
    'run',
    roadmap,
    '--workspace',
    root,
    '--no-dashboard',
    ...(request.parallel === undefined ? [] : ['--parallel', String(request.parallel)]),
    ...(request.budgetUsd === undefined ? [] : ['--budget', String(request.budgetUsd)]),
    ...(request.milestones ?? []).flatMap((m) => ['--milestone', m]),
  ];
  const fd = openSync(logFile, 'a', 0o600);
  let child;
  try {
    child = spawn(orch.argv[0] ?? process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...orch.env, [AUDITED_BY_PARENT_ENV]: '1' },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  child.unref();
  let exitCode: number | null | undefined;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal === null ? null : 128)));
  child.once('error', () => (exitCode = -1));
  const log = relative(root, logFile);
  outcome.detail = { pid: child.pid, log };
  for (const deadline = Date.now() + START_TIMEOUT_MS; Date.now() < deadline; await sleep(50)) {
    const holder = await readLock(context.paths.lockFile);
    if (holder !== undefined && holder.pid === child.pid && holder.runId !== '') {
      outcome.target = holder.runId;
      return sendJson(res, 202, { ok: true, value: { runId: holder.runId, pid: holder.pid, log } });
    }
    if (exitCode !== undefined) {
      const said = childError(await readFile(logFile, 'utf8').catch(() => ''));
      const why = said ?? `orch run exited ${exitCode} before starting; see ${log}`;
      return sendError(res, said?.includes('another Orch process') === true ? 409 : exitCode === 2 ? 400 : 500, why);
    }
  }
  child.kill('SIGTERM');
  return sendError(res, 504, `orch run did not start within ${START_TIMEOUT_MS / 1000} s; stopped it; see ${log}`);
};

const PREFIX = 'orch: ';

/**
 * What the child said when it gave up, all of it: an error of several lines (each bad key of a
 * config file) names its details on the lines after its first. Warnings are not why it stopped,
 * the usage after a blank line is the CLI's, not the request's, and the CLI's `orch: ` prefix means
 * nothing in a JSON reply.
 */
function childError(log: string): string | undefined {
  const lines = log.split('\n');
  const start = lines.findIndex((l) => l.startsWith(PREFIX) && !isWarning(l));
  if (start === -1) return undefined;
  const end = lines.indexOf('', start);
  const said = lines
    .slice(start, end === -1 ? undefined : end)
    .filter((l) => !isWarning(l))
    .map((l) => (l.startsWith(PREFIX) ? l.slice(PREFIX.length) : l));
  return said.join('\n');
}

function isWarning(line: string): boolean {
  return line.startsWith(`${PREFIX}warning`);
}
