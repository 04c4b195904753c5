// The `serve` of a browser check: a server the agent's own work provides (a dev server, a
// preview), started in the task's worktree for the check and stopped after it with everything it
// started. It runs as a process group carrying a marker in its environment, like an agent, so
// children that leave the group (npm scripts, watchers) are found and stopped too.
import { randomUUID } from 'node:crypto';
import { spawnGroup, terminate } from '../runner/process-group';
import { writeEvidence } from '../security/evidence-file';
import type { Redact } from '../security/redact-secrets';

export interface ServeOptions {
  readonly cwd: string;
  readonly timeoutSec: number;
  /** Where the server's output is kept as evidence. */
  readonly logPath: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly redact?: Redact;
}

/** `environment`: the machine kept the server from starting (its port is taken), not the work. */
export type ServeOutcome<T> = { readonly ready: true; readonly value: T } | { readonly ready: false; readonly reason: string; readonly environment?: true };

const OUTPUT_LIMIT = 1024 * 1024;
const STOP_GRACE_MS = 3_000;

// Parallel tasks of a run may serve on the same port: one at a time, or a check could pass on
// the page another task's server shows. Keyed by the port alone: localhost, 127.0.0.1 and ::1
// name one machine, and a server listening on all its addresses answers every name.
const portTurns = new Map<number, Promise<unknown>>();

/** Starts `command`, waits until `url` answers, runs `work`, and always stops the server. */
export function whileServing<T>(command: string, url: string, options: ServeOptions, work: () => Promise<T>): Promise<ServeOutcome<T>> {
  const port = portOf(new URL(url));
  const turn = (portTurns.get(port) ?? Promise.resolve()).then(() => serve(command, url, options, work));
  const settled = turn.catch(() => undefined);
  portTurns.set(port, settled);
  void settled.then(() => {
    if (portTurns.get(port) === settled) portTurns.delete(port);
  });
  return turn;
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

async function serve<T>(command: string, url: string, options: ServeOptions, work: () => Promise<T>): Promise<ServeOutcome<T>> {
  if ((await unanswered(url, 1_000)) === undefined) {
    const reason = `serve \`${command}\`: ${url} already answers before the command started; another server holds its port`;
    await writeEvidence(options.logPath, `$ ${command}
# not started: ${reason}
`, options.redact);
    return { ready: false, reason, environment: true };
  }
  const id = randomUUID();
  const marker = `ORCH_SERVE_ID=${id}`;
  const started = Date.now();
  const child = spawnGroup('/bin/sh', ['-c', command], marker, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, ORCH_SERVE_ID: id },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited: string | undefined;
  const collect = (chunk: Buffer): void => {
    if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('error', (error) => {
    exited = String(error);
  });
  child.on('exit', (code, signal) => {
    exited = `exit ${code ?? signal}`;
  });
  let stopped = '';
  try {
    const problem = await waitForAnswer(url, options.timeoutSec, () => exited, options.signal);
    if (problem !== undefined) {
      const tail = output.trimEnd().split('\n').slice(-10).join('\n');
      return { ready: false, reason: `serve \`${command}\`: ${problem}${tail === '' ? '' : `\n${tail}`}` };
    }
    return { ready: true, value: await work() };
  } finally {
    if (child.pid !== undefined) {
      const report = await terminate(child.pid, marker, STOP_GRACE_MS);
      stopped = `# stopped${report.killed ? ' with SIGKILL' : ''}${report.outside.length > 0 ? `, with ${report.outside.length} process(es) outside its group` : ''}\n`;
    }
    const header = `$ ${command}\n# cwd ${options.cwd}\n# waited for ${url}\n# ran ${Date.now() - started} ms${exited === undefined ? '' : ` (${exited})`}\n${stopped}`;
    await writeEvidence(options.logPath, header + output, options.redact);
  }
}

/** Undefined when `url` gives any HTTP response; else why not (the connection error's code). */
async function unanswered(url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    return (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Undefined once the url answers with any HTTP response; else why it never did. */
async function waitForAnswer(url: string, timeoutSec: number, exited: () => string | undefined, signal?: AbortSignal): Promise<string | undefined> {
  const deadline = Date.now() + timeoutSec * 1000;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    if (signal?.aborted === true) return 'cancelled';
    const gone = exited();
    if (gone !== undefined) return `the command ended (${gone}) before ${url} answered`;
    const problem = await unanswered(url, Math.max(100, Math.min(2_000, deadline - Date.now())));
    if (problem === undefined) return undefined;
    lastError = problem;
    await sleep(200);
  }
  return `${url} did not answer within ${timeoutSec} s (last: ${lastError})`;
}
