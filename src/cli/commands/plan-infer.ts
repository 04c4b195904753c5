// `orch plan <roadmap.md> --infer [--json]`: the planner agent structures a free-form roadmap;
// the result prints as a roadmap in Orch's format (save it and run it), or as the plan JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inferRoadmap } from '../../orchestrator/engine/infer-roadmap';
import { readRoadmap } from '../../orchestrator/plan/load-plan';
import { runAttempt } from '../../orchestrator/runner/run-attempt';
import { type CliIo } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { cancelOnSignals, prepareRun } from '../run-setup';
import { planJson } from './plan';

export async function planInfer(io: CliIo, roadmapFile: string, options: { workspace?: string; claudePath?: string; json: boolean }): Promise<number> {
  // A missing roadmap is bad input (exit 2), found before the planner is asked anything.
  await readRoadmap(roadmapFile);
  const setup = await prepareRun(io, options);
  const signals = cancelOnSignals(io);
  // A read-only command leaves nothing in the workspace; the planner's stream is kept only if it fails.
  const artifactsDir = mkdtempSync(join(tmpdir(), 'orch-infer-'));
  let ok = false;
  try {
    io.err(`orch: asking the planner to structure ${roadmapFile}`);
    const inferred = await inferRoadmap(
      {
        registry: setup.registry,
        runAttempt,
        claudePath: setup.claudePath,
        env: io.env,
        signal: signals.signal,
        cwd: setup.paths.root,
        artifactsDir,
        timeoutSec: setup.config.attemptTimeoutSec,
        inactivityTimeoutSec: setup.config.inactivityTimeoutSec,
      },
      roadmapFile,
    );
    if (signals.signal.aborted) return EXIT.cancelled;
    io.out(options.json ? JSON.stringify(planJson(inferred.roadmap), null, 2) : inferred.markdown);
    ok = true;
    return EXIT.ok;
  } finally {
    signals.dispose();
    if (ok) rmSync(artifactsDir, { recursive: true, force: true });
    else io.err(`orch: the planner's output is kept in ${artifactsDir}`);
  }
}
