// A whole `startRun` over stand-in agents in a fresh git repository: what the engine and git
// benches time, without a model or the claude CLI. The stand-in is a Node script
// (bench/support/stand-in-agent.mjs) or the same in POSIX sh (stand-in-agent.sh), which leaves
// out Node's start-up so that what is timed is Orch and git.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Roadmap } from '../../src/protocol/domain';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { buildSnapshot } from '../../src/orchestrator/agents/build-snapshot';
import { defaultConfig } from '../../src/orchestrator/config/orch-config';
import { closeExecHelpers } from '../../src/orchestrator/engine/exec-helpers';
import { gitOk } from '../../src/orchestrator/engine/git';
import { startRun } from '../../src/orchestrator/engine/start-run';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';

const ROOT = resolve(__dirname, '../..');
const STAND_INS = { node: join(ROOT, 'bench/support/stand-in-agent.mjs'), sh: join(ROOT, 'bench/support/stand-in-agent.sh') } as const;

export type StandInKind = keyof typeof STAND_INS;

export interface StandInRun {
  readonly snapshot: RunSnapshot;
  readonly wallMs: number;
  /** Orch's own CPU over the run, in microseconds (user + system). */
  readonly cpuMicros: number;
}

/** Runs `roadmap` at `parallel`; each stand-in agent takes `steps` turns of `paceMs`. */
export async function runStandIns(options: { readonly prefix: string; readonly roadmap: Roadmap; readonly parallel: number; readonly paceMs: number; readonly steps: number; readonly standIn?: StandInKind }): Promise<StandInRun> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  try {
    const ws = join(dir, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'README.md'), 'bench\n');
    await gitOk(ws, ['init', '-q', '-b', 'main']);
    await gitOk(ws, ['add', '-A']);
    await gitOk(ws, ['commit', '-q', '-m', 'bench']);
    const { snapshot: registry } = await buildSnapshot({ workspace: ws, builtinDir: join(ROOT, 'agents'), homeDir: dir, phases: defaultConfig.phases }, undefined);
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    const outcome = await startRun(
      {
        paths: workspacePaths(ws),
        config: { ...defaultConfig, parallel: options.parallel },
        registry,
        runAttempt: (request, emit) => runAttempt({ ...request, orchTools: false }, emit),
        claudePath: STAND_INS[options.standIn ?? 'node'],
        env: { ...process.env, STAND_IN_PACE_MS: String(options.paceMs), STAND_IN_STEPS: String(options.steps) },
        signal: new AbortController().signal,
      },
      { roadmap: options.roadmap, milestones: [], parallel: options.parallel },
    );
    const wallMs = Date.now() - started;
    // Git ran from helper processes: closed and reaped, their CPU counts as this process's children's.
    await closeExecHelpers();
    const cpu = process.cpuUsage(cpuBefore);
    return { snapshot: outcome.snapshot, wallMs, cpuMicros: cpu.user + cpu.system };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
