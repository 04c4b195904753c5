import { spawnGroup, terminate } from '../runner/process-group';

export interface SetupCommandRequest {
  readonly command: string;
  readonly cwd: string;
  /** The whole environment; it must hold `marker` (`NAME=value`), which its processes inherit. */
  readonly env: Readonly<Record<string, string>>;
  readonly marker: string;
  readonly timeoutSec: number;
  readonly signal: AbortSignal;
}

export interface SetupCommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly durationMs: number;
}

const OUTPUT_LIMIT = 4 * 1024 * 1024;
const GRACE_MS = 3_000;

/**
 * Runs the user's setup command through the shell, like in their terminal. Installers start
 * children of their own (npm runs lifecycle scripts in new shells), so a timeout or a cancel
 * stops every process carrying this setup's marker, not only the shell.
 */
export function runSetupCommand(request: SetupCommandRequest): Promise<SetupCommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawnGroup('/bin/sh', ['-c', request.command], request.marker, { cwd: request.cwd, env: request.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    let cancelled = false;
    let stopping: Promise<unknown> | undefined;
    const collect = (chunk: Buffer): void => {
      if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const stop = (): void => {
      if (stopping === undefined && child.pid !== undefined) stopping = terminate(child.pid, request.marker, GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, request.timeoutSec * 1000);
    const onAbort = (): void => {
      cancelled = true;
      stop();
    };
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const settle = (code: number | null, sig: NodeJS.Signals | null, extra = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      // The shell may exit before what it started: the group is stopped either way.
      const done = child.pid === undefined ? Promise.resolve() : (stopping ?? terminate(child.pid, request.marker, GRACE_MS));
      void done.then(() => resolve({ code, signal: sig, output: output + extra, timedOut, cancelled, durationMs: Date.now() - started }));
    };
    child.on('error', (error) => settle(127, null, String(error)));
    child.on('close', (code, sig) => settle(code, sig));
  });
}
