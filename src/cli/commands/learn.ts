// `orch learn [--export | --reset] [--workspace DIR]`: the learning store in .orch/orch.json.
// Plain: a summary; --export: the store as JSON on stdout; --reset: forget what Orch learned
// (attempt outcomes and routing records), saying what went. Runs and lessons stay.
import { existsSync } from 'node:fs';
import { OrchStore, OUTCOMES_KEPT } from '../../orchestrator/store/orch-store';
import { EXIT } from '../../protocol/exit-codes';
import { cliAudited } from '../cli-audit';
import { type CliIo, type Command } from '../cli-io';
import { parseCommandArgs, UsageError } from '../run-cli';
import { workspaceOf } from '../run-lookup';

export const learnCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(args, { export: { type: 'boolean' }, reset: { type: 'boolean' }, workspace: { type: 'string' } }, { min: 0, max: 0, names: 'no positional arguments' });
  if (values.export === true && values.reset === true) throw new UsageError('--export and --reset do not go together');
  const paths = workspaceOf(io, values.workspace);
  // Read-only unless resetting: a workspace that never ran gets no .orch folder from a look.
  const exists = existsSync(paths.storeFile);
  if (values.reset === true) {
    return cliAudited(io, paths, { action: 'learn.reset' }, async () => {
      const removed = exists ? await (await OrchStore.open(paths.storeFile)).resetLearning() : { outcomes: 0, routing: 0 };
      io.out(`removed ${removed.outcomes} attempt outcome(s) and ${removed.routing} routing record(s) from ${paths.storeFile}; runs and lessons are kept`);
      return EXIT.ok;
    });
  }
  const store = exists ? await OrchStore.open(paths.storeFile) : undefined;
  const outcomes = store?.outcomes ?? [];
  const routing = store?.routing ?? [];
  if (values.export === true) {
    io.out(JSON.stringify({ file: paths.storeFile, bound: OUTCOMES_KEPT, outcomes, routing }, null, 2));
    return EXIT.ok;
  }
  summary(io, paths.storeFile, outcomes, routing.length);
  return EXIT.ok;
};

function summary(io: CliIo, file: string, outcomes: OrchStore['outcomes'], routing: number): void {
  const runs = new Set(outcomes.map((o) => o.runId));
  const tasks = new Set(outcomes.map((o) => o.fingerprint));
  io.out(`learning store ${file}: ${outcomes.length} of at most ${OUTCOMES_KEPT} attempt outcomes, from ${runs.size} run(s) and ${tasks.size} distinct task(s); ${routing} routing record(s)`);
  if (outcomes.length === 0) {
    io.out('  nothing learned yet: estimates use the stated defaults until a run finishes tasks');
    return;
  }
  io.out(`  from ${outcomes[0]!.at} to ${outcomes.at(-1)!.at}`);
  const byModel = new Map<string, typeof outcomes>();
  for (const o of outcomes) byModel.set(o.model, [...(byModel.get(o.model) ?? []), o]);
  for (const [model, list] of [...byModel].sort((a, b) => b[1].length - a[1].length)) {
    const firsts = list.filter((o) => o.attempt === 1);
    const passed = firsts.filter((o) => o.firstPass).length;
    const cost = list.reduce((s, o) => s + o.costUsd, 0);
    const seconds = list.reduce((s, o) => s + o.durationMs, 0) / 1000;
    io.out(`  ${model}: ${list.length} attempt(s), first pass ${passed} of ${firsts.length}, $${cost.toFixed(4)}, ${seconds.toFixed(0)} s of work`);
  }
}
