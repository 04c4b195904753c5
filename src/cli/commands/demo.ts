import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitOk } from '../../orchestrator/engine/git';
import { startRun } from '../../orchestrator/engine/start-run';
import { loadPlan } from '../../orchestrator/plan/load-plan';
import { slow } from '../../scripted-model/scenarios';
import { startScriptedModel } from '../../scripted-model/server';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { demoScenario } from '../demo/demo-scenario';
import { printReviewHints, untilInterrupted } from '../demo/demo-end';
import { packageRoot } from '../package-root';
import { parseCommandArgs, UsageError } from '../run-cli';
import { driveRun } from '../drive-run';
import { checkDashboardFlags, serveWhileRunning } from '../run-dashboard';
import { passesPreflight, prepareRun } from '../run-setup';
import { planNeeds } from '../../orchestrator/preflight/plan-needs';
import { positiveNumber } from './run';

// A person watches the demo: each scripted model turn waits this long, so the whole run takes
// 30 to 60 seconds on the dashboard instead of flashing by.
const DEFAULT_PACE_SEC = 3.5;

/**
 * The bundled example, run for real (real `claude` CLI, real git worktrees, real checks) with
 * one thing scripted: the model, served on 127.0.0.1 by Orch itself. It serves the dashboard
 * and stays up after the run until Ctrl-C; `--exit` (scripts, tests) ends with the run, unpaced.
 */
export const demoCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(
    args,
    { parallel: { type: 'string' }, 'claude-path': { type: 'string' }, exit: { type: 'boolean' }, pace: { type: 'string' }, port: { type: 'string' }, 'no-dashboard': { type: 'boolean' } },
    { min: 0, max: 0, names: 'no arguments' },
  );
  checkDashboardFlags(values);
  const parallel = positiveNumber(values.parallel, '--parallel', true) ?? 3;
  const exit = values.exit === true;
  const pace = values.pace === undefined ? (exit ? 0 : DEFAULT_PACE_SEC) : Number(values.pace);
  if (!Number.isFinite(pace) || pace < 0 || pace > 60) throw new UsageError(`--pace must be seconds from 0 to 60, got ${JSON.stringify(values.pace)}`);
  const root = mkdtempSync(join(tmpdir(), 'orch-demo-'));
  const workspace = join(root, 'workspace');
  const home = join(root, 'home');
  mkdirSync(home);
  cpSync(join(packageRoot(), 'examples'), workspace, { recursive: true });
  await gitOk(workspace, ['init', '-q', '-b', 'main']);
  // The demo's HOME is a throwaway one, without the user's git identity: agents commit too.
  await gitOk(workspace, ['config', 'user.name', 'Orch demo']);
  await gitOk(workspace, ['config', 'user.email', 'demo@orch.invalid']);
  await gitOk(workspace, ['add', '-A']);
  await gitOk(workspace, ['commit', '-q', '-m', 'The example roadmap and PRDs']);

  const model = await startScriptedModel({ scenario: pace > 0 ? slow(Math.round(pace * 1000), demoScenario) : demoScenario });
  io.out('orch demo: the model is SCRIPTED (a local server answering from a script on ' + model.url + ').');
  io.out(`Everything else is real: the claude CLI, git worktrees, verification.${pace > 0 ? ` Each model turn waits ${pace} s so you can follow it.` : ''}`);
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
  let stopDashboard = async () => {};
  try {
    const setup = await prepareRun(demoIo, { claudePath: values['claude-path'] });
    const roadmap = await loadPlan({ roadmapFile: join(workspace, 'roadmap.md'), workspaceDir: workspace, phases: setup.config.phases });
    if (!(await passesPreflight(demoIo, setup, { needs: planNeeds(roadmap, [], setup.registry, setup.config), git: true }))) return EXIT.usage;
    // Served here rather than by driveRun, so the dashboard outlives the run.
    stopDashboard = await serveWhileRunning(demoIo, setup, { port: values.port, 'no-dashboard': values['no-dashboard'] });
    const code = await driveRun(demoIo, setup, { 'no-dashboard': true }, (log) => `run ${log.runId} started`, (deps) =>
      startRun(deps, { roadmap, milestones: [], parallel }),
    );
    printReviewHints(io, workspace);
    if (!exit) {
      io.out('\nThe demo stays up so you can look around: press Ctrl-C to end it.');
      await untilInterrupted();
    }
    return code;
  } finally {
    await stopDashboard();
    await model.close();
  }
};
