import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitOk } from '../../orchestrator/engine/git';
import { startRun } from '../../orchestrator/engine/start-run';
import { loadPlan } from '../../orchestrator/plan/load-plan';
import { startScriptedModel } from '../../scripted-model/server';
import type { Command } from '../cli-io';
import { demoScenario } from '../demo/demo-scenario';
import { packageRoot } from '../package-root';
import { parseCommandArgs } from '../run-cli';
import { driveRun } from '../drive-run';
import { prepareRun } from '../run-setup';
import { positiveNumber } from './run';

/**
 * The bundled example, run for real (real `claude` CLI, real git worktrees, real checks) with
 * one thing scripted: the model, served on 127.0.0.1 by Orch itself.
 */
export const demoCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(args, { parallel: { type: 'string' }, 'claude-path': { type: 'string' } }, { min: 0, max: 0, names: 'no arguments' });
  const parallel = positiveNumber(values.parallel, '--parallel', true) ?? 3;
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
  try {
    const setup = await prepareRun(demoIo, { claudePath: values['claude-path'] });
    const roadmap = await loadPlan({ roadmapFile: join(workspace, 'roadmap.md'), workspaceDir: workspace, phases: setup.config.phases });
    const code = await driveRun(demoIo, setup, { 'no-dashboard': true }, (log) => `run ${log.runId} started`, (deps) =>
      startRun(deps, { roadmap, milestones: [], parallel }),
    );
    io.out(`\nlook around: cd ${workspace} && git log --oneline --graph --all`);
    return code;
  } finally {
    await model.close();
  }
};
