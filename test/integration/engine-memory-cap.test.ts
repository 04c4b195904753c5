// The engine caps its parallel agents by the memory free for them (one claude holds about 290 MB).
// The cap comes through a port: a local run reads the machine, while a queue run, whose agents run
// on workers with governors of their own, gives Infinity (drive-run.ts). Two real runs of three
// independent tasks at --parallel 3: one on a machine with no memory to spare never has two
// attempts at once; one with memory to spare runs all three side by side.

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import type { OrchEvent } from '../../src/protocol/events';
import { engineFixture, prd } from '../support/engine-fixture';

const TASKS = Array.from({ length: 3 }, (_, i) => ({ id: `T${i + 1}`, file: `out/m${i + 1}.txt` }));

/** The most attempts that were running at one moment, read from the log's order. */
function mostAtOnce(events: readonly OrchEvent[]): number {
  let now = 0;
  let most = 0;
  for (const e of events) {
    if (e.type === 'attempt.started') most = Math.max(most, ++now);
    if (e.type === 'attempt.finished') now--;
  }
  return most;
}

async function runWith(freeMemory: () => number): Promise<{ events: OrchEvent[]; result: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-memcap-'));
  try {
    const f = await engineFixture(dir, { 'p.md': prd('PRD-M', TASKS) }, demoScenario);
    try {
      const outcome = await f.run({ parallel: 3, freeMemory, config: { adapt: { enabled: false, quietSec: 5, holdSec: 5, agentBudgetShare: 0.9 } } });
      return { events: f.events(outcome.runId), result: outcome.result };
    } finally {
      await f.model.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the engine\'s memory cap on parallel agents', function () {
  this.timeout(180_000);

  it('runs one agent at a time when the memory free fits no more, and still verifies every task', async () => {
    const { events, result } = await runWith(() => 0);
    assert.equal(result, 'completed');
    assert.equal(mostAtOnce(events), 1);
  });

  it('runs --parallel agents at once when memory is no limit, as a queue run\'s coordinator does', async () => {
    const { events, result } = await runWith(() => Number.POSITIVE_INFINITY);
    assert.equal(result, 'completed');
    assert.equal(mostAtOnce(events), 3);
  });
});
