import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prd } from '../../../test/support/engine-fixture';
import { useTempDir } from '../../../test/support/temp-dir';
import { buildSnapshot } from '../agents/build-snapshot';
import { defaultConfig } from '../config/orch-config';
import { loadPlan } from '../plan/load-plan';
import { workspacePaths } from '../workspace/workspace-paths';
import { startRun } from './start-run';

const ROADMAP = '# R\n\n## Phase 1: Only\n\n### Milestone 1.1: All\n**Focus:** test\n';

describe('startRun', () => {
  const tmp = useTempDir();

  it("appends a new run's task assignments together (a group commit), not each once the one before is on disk", async () => {
    const workspace = join(tmp.path, 'ws');
    mkdirSync(join(workspace, 'prds'), { recursive: true });
    writeFileSync(join(workspace, 'roadmap.md'), ROADMAP);
    const tasks = ['T1', 'T2', 'T3', 'T4'].map((id) => ({ id, file: `${id}.txt` }));
    writeFileSync(join(workspace, 'prds', 'PRD-1.md'), prd('PRD-1', tasks));
    const roadmap = await loadPlan({ roadmapFile: join(workspace, 'roadmap.md'), workspaceDir: workspace, phases: defaultConfig.phases });
    const { snapshot: registry } = await buildSnapshot({ workspace, builtinDir: join(__dirname, '../../../agents'), homeDir: join(tmp.path, 'home'), phases: defaultConfig.phases }, undefined);
    // Cancelled from the start: the run ends at once, after its assignments.
    const cancelled = new AbortController();
    cancelled.abort();
    // Waiting for an append to be durable takes turns of the event loop (the write, then the
    // fsync): an immediate queued at the first assignment has run by the second if they are
    // written one after another, and has not if they are appended together.
    const turnPassed: boolean[] = [];
    let turned = false;
    const outcome = await startRun(
      {
        paths: workspacePaths(workspace),
        config: defaultConfig,
        registry,
        // What the real runner answers once its signal is aborted.
        runAttempt: () => Promise.resolve({ outcome: 'failed', failure: 'cancelled', costUsd: 0, costSource: 'estimated', inputTokens: 0, outputTokens: 0, durationMs: 0 }),
        claudePath: 'claude',
        env: {},
        signal: cancelled.signal,
        noGit: true,
        onLog: (log) =>
          log.subscribe((event) => {
            if (event.type !== 'task.assigned') return;
            if (event.taskId === 'PRD-1/T1') setImmediate(() => (turned = true));
            else turnPassed.push(turned);
          }),
      },
      { roadmap, milestones: [] },
    );
    assert.deepEqual(turnPassed, [false, false, false]);
    assert.deepEqual(
      Object.values(outcome.snapshot.tasks).map((t) => t.agent),
      tasks.map(() => 'backend-engineer'),
    );
  });
});
