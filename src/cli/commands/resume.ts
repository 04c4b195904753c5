import { resumeRun } from '../../orchestrator/engine/start-run';
import type { Command } from '../cli-io';
import { parseCommandArgs } from '../run-cli';
import { findRunId } from '../run-lookup';
import { driveRun } from '../drive-run';
import { prepareRun } from '../run-setup';
import { positiveNumber } from './run';

export const resumeCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(
    args,
    { budget: { type: 'string' }, workspace: { type: 'string' }, 'claude-path': { type: 'string' }, port: { type: 'string' }, 'no-dashboard': { type: 'boolean' } },
    { min: 0, max: 1, names: '[runId]' },
  );
  const setup = await prepareRun(io, { workspace: values.workspace, claudePath: values['claude-path'] });
  const runId = await findRunId(setup.paths, positionals[0]);
  const budgetUsd = positiveNumber(values.budget, '--budget', false);
  return driveRun(io, setup, values, () => `resuming run ${runId}`, (deps) => resumeRun(deps, runId, budgetUsd));
};
