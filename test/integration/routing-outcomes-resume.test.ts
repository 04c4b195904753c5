import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import type { OrchData } from '../../src/orchestrator/store/orch-store';
import type { OrchEvent } from '../../src/protocol/events';
import { textReply } from '../../src/scripted-model/reply';
import { slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import { exited } from '../support/process-exit';

const PRD = `---
id: PRD-R
milestone: "1.1"
title: Learn after a crash
tasks:
  - id: T1
    title: First file
    description: Write one.txt.
    agent: backend-engineer
    verify:
      - file: one.txt
  - id: T2
    title: Second file
    description: Write two.txt.
    agent: backend-engineer
    depends: [T1]
    verify:
      - file: two.txt
---
`;

// T2's reply is slow, so Orch is still busy with it when T1's outcome is in the log.
const scenario: Scenario = (request, context) => {
  const task = /## Task (\S+):/.exec(request.userText)?.[1];
  const file = task === 'T1' ? 'one.txt' : 'two.txt';
  if (turnsSinceLastInstruction(request) > 0) return textReply(`Wrote ${file}.`);
  return task === 'T2' ? slow(2500, writeTool(file, 'two\n'))(request, context) : writeTool(file, 'one\n')(request, context);
};


describe('routing and attempt outcomes survive a SIGKILL between the event log and orch.json', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('writes the killed run\'s logged outcomes to orch.json on resume, each exactly once, and a later resume changes nothing', async () => {
    const f = await engineFixture(tmp.path, { 'r.md': PRD }, scenario);
    const storeFile = join(f.workspace, '.orch', 'orch.json');
    try {
      const first = f.orch(['run', 'roadmap.md', '--no-dashboard']);
      const firstExit = exited(first);
      const t1Verified = /"task\.verified","taskId":"PRD-R\/T1"/;
      for (let waited = 0; ; waited += 50) {
        const file = f.eventsFile();
        if (file !== undefined && existsSync(file) && t1Verified.test(readFileSync(file, 'utf8'))) break;
        if (waited > 60_000) throw new Error('T1 was never verified');
        await sleep(50);
      }
      first.kill('SIGKILL');
      await firstExit;
      // Whether or not T1's outcome reached orch.json before the kill, roll it back to a file without it.
      const before = JSON.parse(readFileSync(storeFile, 'utf8')) as OrchData;
      const runId = before.runs[0]!.runId;
      writeFileSync(storeFile, JSON.stringify({ version: 1, runs: before.runs }));

      const resumed = await exited(f.orch(['resume', '--no-dashboard']));
      assert.equal(resumed.code, 0, resumed.out);
      const events = f.events(runId);
      const routed = (taskId: string) => events.find((e): e is Extract<OrchEvent, { type: 'model.routed' }> => e.type === 'model.routed' && e.taskId === taskId)?.model;
      const after = JSON.parse(readFileSync(storeFile, 'utf8')) as OrchData;
      assert.deepEqual(
        after.routing?.map((r) => [r.runId, r.taskId, r.agent, r.firstPass]),
        [
          [runId, 'PRD-R/T1', 'backend-engineer', true],
          [runId, 'PRD-R/T2', 'backend-engineer', true],
        ],
      );
      assert.deepEqual(after.routing?.map((r) => r.model), [routed('PRD-R/T1'), routed('PRD-R/T2')]);
      assert.ok(after.routing?.every((r) => r.costUsd > 0), JSON.stringify(after.routing));

      // The learning store: each finished attempt once, rewritten from the log after the kill.
      const attempts = f.events(runId).filter((e) => e.type === 'attempt.finished');
      assert.deepEqual([...new Set(after.outcomes?.map((o) => o.taskId))].sort(), ['PRD-R/T1', 'PRD-R/T2']);
      assert.equal(after.outcomes?.length, attempts.length);
      assert.equal(new Set(after.outcomes?.map((o) => `${o.runId} ${o.attemptId}`)).size, attempts.length);
      assert.ok(after.outcomes?.every((o) => o.runId === runId && o.taskState === 'verified' && o.durationMs > 0), JSON.stringify(after.outcomes));

      // The run is finished: resuming it again is refused, and it rewrites no outcome on the way.
      const written = readFileSync(storeFile, 'utf8');
      const again = await exited(f.orch(['resume', '--no-dashboard']));
      assert.notEqual(again.code, 0, again.out);
      assert.match(again.out, /nothing to resume/);
      assert.equal(readFileSync(storeFile, 'utf8'), written);
    } finally {
      await f.model.close();
    }
  });
});
