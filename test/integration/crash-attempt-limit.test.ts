import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { textReply } from '../../src/scripted-model/reply';
import { slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import type { OrchEvent } from '../../src/protocol/events';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

function prd(check: string): string {
  return `---
id: PRD-K
milestone: "1.1"
title: Killed once
tasks:
  - id: T1
    title: One file
    description: Write one.txt.
    agent: backend-engineer
    verify:
      - ${check}
---
`;
}

/** Writes one.txt with `content`, slowly, so the test can kill Orch while the model works. */
function scenario(content: string): Scenario {
  return (request, context) => (turnsSinceLastInstruction(request) > 0 ? textReply('Wrote one.txt.') : slow(2500, writeTool('one.txt', content))(request, context));
}

function finish(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

describe('kill -9 with maxAttempts: 1', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  /** Starts a run, kills Orch with SIGKILL while the model answers T1's first attempt, then resumes it. */
  async function killThenResume(check: string, content: string) {
    const f = await engineFixture(tmp.path, { 'k.md': prd(check) }, scenario(content));
    try {
      mkdirSync(join(f.workspace, '.orch'), { recursive: true });
      writeFileSync(join(f.workspace, '.orch', 'config.json'), JSON.stringify({ maxAttempts: 1 }));
      const first = f.orch(['run', 'roadmap.md', '--no-dashboard']);
      await f.model.waitFor((r) => r.parsed !== undefined && !r.side, 60_000);
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      const resumed = await finish(f.orch(['resume', '--no-dashboard']));
      const events = f.events(f.eventsFile()!.split('/').at(-2)!);
      return { resumed, events, instructions: f.model.modelRequests().filter((r) => turnsSinceLastInstruction(r.parsed!) === 0).length };
    } finally {
      await f.model.close();
    }
  }

  const finished = (events: readonly OrchEvent[]) => events.flatMap((e) => (e.type === 'attempt.finished' ? [e] : []));

  it('gives the interrupted task its one real attempt after the resume', async () => {
    const { resumed, events, instructions } = await killThenResume('file: one.txt', 'one\n');
    assert.equal(resumed.code, 0, resumed.out);
    assert.equal(instructions, 2, 'the killed attempt, then one real one');
    const [interrupted, real] = finished(events);
    assert.deepEqual([interrupted?.attemptId, interrupted?.failure, interrupted?.interrupted], ['PRD-K/T1#1', 'crashed', true]);
    assert.deepEqual([real?.attemptId, real?.outcome], ['PRD-K/T1#2', 'succeeded']);
    assert.ok(events.some((e) => e.type === 'task.verified' && e.taskId === 'PRD-K/T1'));
  });

  it('blocks after that one real attempt fails, saying why and counting one attempt', async () => {
    const { resumed, events, instructions } = await killThenResume('command: grep -q right one.txt', 'wrong\n');
    assert.equal(resumed.code, 1, resumed.out);
    assert.equal(instructions, 2);
    const blocked = events.find((e) => e.type === 'task.blocked');
    assert.match(blocked?.type === 'task.blocked' ? blocked.reason : '', /^not verified after 1 attempts: 1 of 1 checks failed/);
    assert.doesNotMatch(blocked?.type === 'task.blocked' ? blocked.reason : '', /unknown/);
  });
});
