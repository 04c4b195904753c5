import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventLog } from '../../src/orchestrator/events/event-log';
import { loadPlan } from '../../src/orchestrator/plan/load-plan';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import type { Roadmap } from '../../src/protocol/domain';

const examples = resolve(__dirname, '..', '..', 'examples');

export interface OrchWorkspace {
  readonly root: string;
  readonly roadmap: Roadmap;
  readonly log: EventLog;
  close(): Promise<void>;
}

/**
 * A workspace holding the example roadmap and a run of it half done: PRD-1/T1 verified, T2
 * running. The log stays open so a test can append the next events as a live run would.
 */
export async function orchWorkspace(runId: string): Promise<OrchWorkspace> {
  const root = mkdtempSync(join(tmpdir(), 'orch-ws-'));
  cpSync(join(examples, 'roadmap.md'), join(root, 'roadmap.md'));
  cpSync(join(examples, 'prds'), join(root, 'prds'), { recursive: true });
  const roadmap = await loadPlan({ roadmapFile: join(root, 'roadmap.md'), workspaceDir: root });
  const log = await EventLog.open(workspacePaths(root).eventsFile(runId), runId);
  await log.append({ type: 'run.started', roadmapFile: roadmap.file, milestones: ['1.1'], budgetUsd: 5 });
  await log.append({ type: 'plan.loaded', roadmap });
  await log.append({ type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'product-planner', model: 'sonnet', prompt: 'Write the requirements' });
  await log.append({ type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 0.42, costSource: 'reported', inputTokens: 1200, outputTokens: 300, durationMs: 9000 });
  await log.append({ type: 'task.verifying', taskId: 'PRD-1/T1' });
  await log.append({ type: 'task.verified', taskId: 'PRD-1/T1', checks: [{ check: 'file docs/requirements.md', passed: true, detail: '812 bytes' }], basis: 'checks' });
  await log.append({ type: 'attempt.started', taskId: 'PRD-1/T2', attemptId: 'PRD-1/T2#1', agent: 'backend-engineer', model: 'sonnet', prompt: 'Implement greet()' });
  return {
    root,
    roadmap,
    log,
    close: async () => {
      await log.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
