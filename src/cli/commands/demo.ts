import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitOk } from '../../orchestrator/engine/git';
import { startRun } from '../../orchestrator/engine/start-run';
import { loadPlan } from '../../orchestrator/plan/load-plan';
import { runAttempt } from '../../orchestrator/runner/run-attempt';
import { startScriptedModel } from '../../scripted-model/server';
import type { Command } from '../cli-io';
import { demoScenario } from '../demo/demo-scenario';
import { packageRoot } from '../package-root';
import { printProgress } from '../progress-printer';
import { parseCommandArgs } from '../run-cli';
import { cancelOnSignals, prepareRun } from '../run-setup';
import { exitCodeFor, printSummary } from '../run-summary';

/**
 * The bundled example, run for real (real `claude` CLI, real git worktrees, real checks) with
 * one thing scripted: the model, served on 127.0.0.1 by Orch itself.
 */
export const demoCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(args, { parallel: { type: 'string' }, 'claude-path': { type: 'string' } }, { min: 0, max: 0, names: 'no arguments' });
  const root = mkdtempSync(join(tmpdir(), 'orch-demo-'));
  const workspace = join(root, 'workspace');
  const home = join(root, 'home');
  mkdirSync(home);
  cpSync(join(packageRoot(), 'examples'), workspace, { recursive: true });
  await gitOk(workspace, ['init', '-q', '-b', 'main']);
  await gitOk(workspace, ['add', '-A']);
  await gitOk(workspace, ['commit', '-q', '-m', 'The example roadmap and PRDs']);

  const model = await startScriptedModel({ scenario: demoScenario });
  io.out('orch demo: the model is SCRIPTED (a local server answering from a script on ' + model.url + ').');
  io.out('Everything else is real: the claude CLI, git worktrees, verification.');
  io.out(`workspace: ${workspace}\n`);
  const env = {
    ...io.env,
    HOME: home,
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'scripted-demo-key',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  const demoIo = { ...io, cwd: workspace, env };
  const cancel = cancelOnSignals(io);
  try {
    const setup = await prepareRun(demoIo, { claudePath: values['claude-path'] });
    const roadmap = await loadPlan({ roadmapFile: join(workspace, 'roadmap.md'), workspaceDir: workspace, phases: setup.config.phases });
    const outcome = await startRun(
      { ...setup, runAttempt, env, signal: cancel.signal, onLog: (log) => printProgress(log, io) },
      { roadmap, milestones: [], parallel: values.parallel === undefined ? 3 : Number(values.parallel) },
    );
    printSummary(outcome, io);
    io.out(`\nlook around: cd ${workspace} && git log --oneline --graph --all`);
    return exitCodeFor(outcome.result);
  } finally {
    cancel.dispose();
    await model.close();
  }
};
