import type { EventLog } from '../orchestrator/events/event-log';
import type { RunDeps, RunOutcome } from '../orchestrator/engine/start-run';
import { runAttempt } from '../orchestrator/runner/run-attempt';
import type { CliIo } from './cli-io';
import { UsageError } from './run-cli';
import { printProgress } from './progress-printer';
import { serveWhileRunning } from './run-dashboard';
import { cancelOnSignals, type RunSetup } from './run-setup';
import { exitCodeFor, printSummary } from './run-summary';

/**
 * What `orch run` and `orch resume` share around the engine: the dashboard, signals (cancel,
 * pause), live progress lines, the summary and the exit code.
 */
export async function driveRun(
  io: CliIo,
  setup: RunSetup,
  flags: { port?: string; 'no-dashboard'?: boolean; queue?: string; 'no-git'?: boolean },
  announce: (log: EventLog) => string,
  start: (deps: RunDeps) => Promise<RunOutcome>,
): Promise<number> {
  // Workers get the code, and give the work back, through git.
  if (flags.queue !== undefined && flags['no-git'] === true) throw new UsageError('--queue needs git worktrees (workers get the code through git); drop --no-git');
  // Loaded only for a queue: the Redis client and its codecs are a quarter of the CLI's start-up.
  const queue = flags.queue === undefined ? undefined : await (await import('../orchestrator/queue/open-queue-runner')).openQueueRunner(flags.queue, setup, runAttempt);
  const stopDashboard = await serveWhileRunning(io, setup, flags);
  const control = cancelOnSignals(io);
  try {
    const outcome = await start({
      ...setup,
      runAttempt: queue?.run ?? runAttempt,
      // Agents run on the workers: this machine's free memory must not cap how many are enqueued.
      ...(queue === undefined ? {} : { workerChecks: queue.workerChecks, freeMemory: () => Number.POSITIVE_INFINITY }),
      env: io.env,
      signal: control.signal,
      pause: control.pause,
      onLog: (log) => {
        queue?.attach(log);
        io.out(announce(log));
        printProgress(log, io);
      },
    });
    printSummary(outcome, io);
    return exitCodeFor(outcome.result);
  } finally {
    control.dispose();
    await queue?.close();
    await stopDashboard();
  }
}
