// Spreading load across a team with the real claude CLI: backend-engineer may run one attempt at
// a time (maxParallel 1, a workspace override), two implementation tasks whose PRD names no agent
// are ready together, and frontend-engineer, of the same team and phase, takes the second.

import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import type { RunOutcome } from '../../src/orchestrator/engine/start-run';
import type { OrchEvent } from '../../src/protocol/events';
import type { RunAdapted } from '../../src/protocol/events-adapt';
import { engineFixture, REPO_ROOT } from '../support/engine-fixture';

const PRD = `---
id: PRD-S
milestone: "1.1"
title: Spread
tasks:
  - id: T1
    title: Make one.txt
    description: Create one.txt.
    verify:
      - file: one.txt
  - id: T2
    title: Make two.txt
    description: Create two.txt.
    verify:
      - file: two.txt
---
# PRD-S
`;

describe('load spread across a team', function () {
  this.timeout(180_000);
  let dir = '';
  let outcome: RunOutcome;
  let events: OrchEvent[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-spread-'));
    const f = await engineFixture(dir, { 's.md': PRD }, demoScenario);
    try {
      const builtin = readFileSync(join(REPO_ROOT, 'agents', 'backend-engineer.md'), 'utf8');
      mkdirSync(join(f.workspace, '.orch', 'agents'), { recursive: true });
      writeFileSync(join(f.workspace, '.orch', 'agents', 'backend-engineer.md'), builtin.replace('\nteam: engineering\n', '\nteam: engineering\nmaxParallel: 1\n'));
      outcome = await f.run({ parallel: 2 });
      events = f.events(outcome.runId);
    } finally {
      await f.model.close();
    }
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hands the second task to a free teammate, saying why, and verifies both', () => {
    assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks));
    const spread = events.filter((e): e is RunAdapted => e.type === 'run.adapted' && e.kind === 'load-spread');
    assert.deepEqual(spread.map((e) => [e.taskId, e.from, e.to]), [['PRD-S/T2', 'backend-engineer', 'frontend-engineer']]);
    assert.match(spread[0]!.reason, /^backend-engineer runs 1 of its maxParallel 1: frontend-engineer, of the same team \(engineering\) and working in phase implementation, takes it/);
    const started = events.filter((e) => e.type === 'attempt.started').map((e) => [e.taskId, e.agent]);
    assert.deepEqual(started, [['PRD-S/T1', 'backend-engineer'], ['PRD-S/T2', 'frontend-engineer']]);
    assert.equal(outcome.snapshot.tasks['PRD-S/T2']?.agent, 'frontend-engineer');
  });
});
