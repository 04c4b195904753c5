import { resumeRun } from '../../orchestrator/engine/start-run';
import { runAttempt } from '../../orchestrator/runner/run-attempt';
import type { Command } from '../cli-io';
import { parseCommandArgs } from '../run-cli';
import { findRunId } from '../run-lookup';
import { serveWhileRunning } from '../run-dashboard';
import { cancelOnSignals, prepareRun } from '../run-setup';
import { printProgress } from '../progress-printer';
import { exitCodeFor, printSummary } from '../run-summary';
import { positiveNumber } from './run';

export const resumeCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(
    args,
    { budget: { type: 'string' }, workspace: { type: 'string' }, 'claude-path': { type: 'string' }, port: { type: 'string' }, 'no-dashboard': { type: 'boolean' } },
    { min: 0, max: 1, names: '[runId]' },
  );
  const setup = await prepareRun(io, { workspace: values.workspace, claudePath: values['claude-path'] });
  const runId = await findRunId(setup.paths, positionals[0]);
  const stopDashboard = await serveWhileRunning(io, setup, values);
  const cancel = cancelOnSignals(io);
  try {
    const outcome = await resumeRun(
      {
        ...setup,
        runAttempt,
        env: io.env,
        signal: cancel.signal,
        pause: cancel.pause,
        onLog: (log) => {
          io.out(`resuming run ${runId}`);
          printProgress(log, io);
        },
      },
      runId,
      positiveNumber(values.budget, '--budget', false),
    );
    printSummary(outcome, io);
    return exitCodeFor(outcome.result);
  } finally {
    cancel.dispose();
    await stopDashboard();
  }
};
