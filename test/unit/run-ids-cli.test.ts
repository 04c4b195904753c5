import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io';
import { runCli } from '../../src/cli/run-cli';
import { listRuns } from '../../src/orchestrator/views/list-runs';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import { roadmapWith, task } from '../support/builders';
import { useTempDir } from '../support/temp-dir';
import { writeRun } from '../integration/server-harness';

const RUN_ID = '20260101T001000-abcdef';
const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1')] } }]);

describe('a run id that names no run', () => {
  const dir = useTempDir('orch-run-ids-');

  async function cli(args: string[], cwd: string): Promise<{ code: number; err: string }> {
    const err: string[] = [];
    const io: CliIo = { cwd, env: {}, out: () => undefined, err: (t) => void err.push(t) };
    return { code: await runCli(args, io), err: err.join('\n') };
  }

  it('is refused by orch cancel without making its folder, inside the workspace or out of it, and named as no run by pause', async () => {
    const ws = join(dir.path, 'a', 'b', 'ws');
    mkdirSync(ws, { recursive: true });
    const log = await writeRun(ws, RUN_ID, [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }, { type: 'plan.loaded', roadmap }]);
    await log.close();
    const ghost = await cli(['cancel', 'ghostrun'], ws);
    assert.equal(ghost.code, 2);
    assert.match(ghost.err, /no run ghostrun in this workspace/);
    assert.deepEqual(readdirSync(join(ws, '.orch', 'runs')), [RUN_ID]);
    for (const id of ['../../../escaped', '../x']) {
      const escaped = await cli(['cancel', id], ws);
      assert.equal(escaped.code, 2, escaped.err);
      assert.match(escaped.err, /is not a run id/);
    }
    assert.equal(existsSync(join(dir.path, 'a', 'escaped')), false);
    assert.equal(existsSync(join(ws, '.orch', 'x')), false);
    const pause = await cli(['pause', 'ghostrun'], ws);
    assert.equal(pause.code, 2);
    assert.match(pause.err, /no run ghostrun in this workspace/);
    const status = await cli(['status', '../x'], ws);
    assert.equal(status.code, 2);
    assert.match(status.err, /"\.\.\/x" is not a run id/);
  });

  it('lists a run the index lost from its log, and no folder whose log holds no run', async () => {
    const log = await writeRun(dir.path, RUN_ID, [{ type: 'run.started', roadmapFile: 'road.md', milestones: [] }, { type: 'plan.loaded', roadmap }, { type: 'run.finished', state: 'completed' }]);
    await log.close();
    const paths = workspacePaths(dir.path);
    writeFileSync(paths.storeFile, JSON.stringify({ runs: [] }));
    mkdirSync(paths.runDir('20260101T002000-cut000'), { recursive: true });
    writeFileSync(paths.eventsFile('20260101T002000-cut000'), '');
    const runs = await listRuns(paths);
    assert.deepEqual(runs.map((r) => [r.runId, r.state, r.roadmapFile]), [[RUN_ID, 'completed', 'road.md']]);
  });
});
