import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelRun } from '../../orchestrator/engine/cancel-run';
import { readLock } from '../../orchestrator/engine/run-lock';
import { type Command } from '../cli-io';
import { cliAuditedValue } from '../cli-audit';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs } from '../run-cli';
import { findRunId, workspaceOf } from '../run-lookup';

export const cancelCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, { workspace: { type: 'string' } }, { min: 0, max: 1, names: '[runId]' });
  const paths = workspaceOf(io, values.workspace);
  const runId = await findRunId(paths, positionals[0]);
  const outcome = await cliAuditedValue(io, paths, { action: 'run.cancel', target: runId }, () => cancelRun(paths, runId));
  switch (outcome.kind) {
    case 'already-finished':
      io.out(`run ${runId} is already ${outcome.state}`);
      return EXIT.ok;
    case 'cancelled':
      io.out(`run ${runId} cancelled${outcome.killed.length > 0 ? `; stopped ${outcome.killed.length} leftover agent process(es)` : ''}`);
      return EXIT.ok;
    case 'signalled': {
      io.out(`asked Orch (pid ${outcome.pid}) to cancel run ${runId}; waiting for its agents to stop...`);
      for (let waited = 0; waited < 60_000; waited += 200) {
        const holder = existsSync(paths.lockFile) ? await readLock(paths.lockFile) : undefined;
        if (holder?.pid !== outcome.pid) {
          io.out(`run ${runId} cancelled`);
          return EXIT.ok;
        }
        await sleep(200);
      }
      io.err(`orch: pid ${outcome.pid} has not stopped after 60 s`);
      return EXIT.taskFailed;
    }
  }
};
